package org.pipewright.io.http;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;
import org.junit.Test;

public class ApiErrorCheckTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static ApiError check(ApiErrorCheck check, String json) throws Exception {
    return check.check(MAPPER.readTree(json));
  }

  @Test
  public void currencylayerErrorsAreDeadLettersAndKeyErrorsStopTheJob() throws Exception {
    ApiErrorCheck check = ApiErrorCheck.currencylayer();
    assertNull(check(check, "{\"success\": true, \"quotes\": {}}"));
    assertNull(check(check, "{\"time\": 1, \"items\": []}")); // no flag: not this convention's business
    assertEquals(ApiError.of("api_error 302: You have entered an invalid date."),
        check(check, "{\"success\": false, \"error\": {\"code\": 302, \"info\": \"You have entered an invalid date.\"}}"));
    assertEquals(ApiError.auth("api_error 101: invalid key"),
        check(check, "{\"success\": false, \"error\": {\"code\": 101, \"info\": \"invalid key\"}}"));
    assertEquals(ApiError.auth("api_error 102: inactive_user"),
        check(check, "{\"success\": false, \"error\": {\"code\": 102, \"type\": \"inactive_user\"}}"));
    assertEquals(ApiError.of("api_error ?"), check(check, "{\"success\": false}"));
  }

  @Test
  public void authCodesAreConfigurableAndNoneAcceptsAll() throws Exception {
    String error = "{\"success\": false, \"error\": {\"code\": 7, \"info\": \"x\"}}";
    assertEquals(ApiError.auth("api_error 7: x"), check(ApiErrorCheck.successFlag(Set.of(7)), error));
    assertNull(check(ApiErrorCheck.none(), error));
  }
}
