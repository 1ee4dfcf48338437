/**
 * Runnable pipelines composed from the transforms and connectors: the Pinterest batch, streaming,
 * landing and analytics jobs, the data emulator, the daily check and {@link
 * org.pipewright.pipelines.ShowTable}. Each main class takes {@code --help}; bad options give one
 * {@code error:} line and exit code 2. Nothing here names a runner: choose one with {@code --runner}.
 */
package org.pipewright.pipelines;
