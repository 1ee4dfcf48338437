/**
 * Data-quality checks as data: declare {@link org.pipewright.transforms.quality.Check}s per table
 * with {@link org.pipewright.transforms.quality.QualityChecks}, get one {@link
 * org.pipewright.transforms.quality.QualityResult} row per check, and decide the run's fate with
 * {@link org.pipewright.transforms.quality.QualityReport}.
 */
package org.pipewright.transforms.quality;
