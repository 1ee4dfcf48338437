/**
 * Helpers the Pipewright modules share (argument checks, id buckets). Not public API: they may
 * change in any release; do not use them from your own code (see docs/versioning.md).
 */
package org.pipewright.transforms.internal;
