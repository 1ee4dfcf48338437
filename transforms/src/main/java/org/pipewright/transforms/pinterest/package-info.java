/**
 * The Pinterest domain: cleaners for the pin, geo and user records ({@link
 * org.pipewright.transforms.pinterest.CleanPinterest} cleans all three the same way for batch,
 * streaming and analytics), their clean schemas, the nine analytics ({@link
 * org.pipewright.transforms.pinterest.PinterestQueries}) and the live per-minute counts ({@link
 * org.pipewright.transforms.pinterest.CountPostsLive}). Built only from the generic {@code core}
 * package; a model for adding another domain.
 */
package org.pipewright.transforms.pinterest;
