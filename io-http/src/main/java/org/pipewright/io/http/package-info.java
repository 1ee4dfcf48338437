/**
 * JSON HTTP APIs as a Beam source step, on the JDK's {@code HttpClient}: {@link
 * org.pipewright.io.http.CallJsonApi} turns {@link org.pipewright.io.http.ApiRequest} rows into
 * {@link org.pipewright.io.http.ApiResponse} rows and dead letters, after the design of Beam's
 * {@code RequestResponseIO} (which this build cannot use): a caller per request, a per-worker rate
 * limit, retries with exponential back-off and jitter on 429, 5xx, timeouts and connection errors
 * only, and timeouts per attempt and per connect.
 *
 * <p>Keys ({@link org.pipewright.io.http.ApiKey}) come from an environment variable, a file or a
 * value, go into a query parameter or a header, and never show in display data, errors, dead
 * letters or stored URLs ({@link org.pipewright.io.http.UrlMask}: {@code access_key=***}). A
 * refused key stops the job with one {@link org.pipewright.io.http.HttpAuthException}; everything
 * else that goes wrong with a request (retries exhausted, other 4xx, a body that is not JSON, an
 * error the API reports in its body, see {@link org.pipewright.io.http.ApiErrorCheck}) becomes a
 * dead letter with the masked URL, the reason and a body excerpt, so requests = responses + dead
 * letters.
 *
 * <p>Depends on {@code pipewright-transforms}, Beam core and Jackson only.
 */
package org.pipewright.io.http;
