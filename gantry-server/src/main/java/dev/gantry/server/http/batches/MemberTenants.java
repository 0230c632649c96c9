package dev.gantry.server.http.batches;

import dev.gantry.enqueue.JobRequest;
import dev.gantry.server.auth.ApiKey;
import dev.gantry.server.http.FieldError;
import dev.gantry.server.http.ProblemException;
import dev.gantry.server.http.Problems;
import java.util.ArrayList;
import java.util.List;

/**
 * Whose a new batch or workflow is, and that its members are that tenant's: the checks the batch
 * and workflow routes share. A key limited to a tenant makes them for its tenant only; a key
 * without one for the tenant the body names, or none.
 */
public final class MemberTenants {
  private MemberTenants() {}

  /**
   * The tenant of what {@code caller} makes: the key's, when it is limited to one, else the one
   * the body names (null: none).
   *
   * @param asked the body's {@code tenant}, or null
   * @param what what is made, for the message ("batches", "workflows")
   * @throws ProblemException 403 naming {@code tenant} if the key is limited to another tenant
   */
  public static String of(ApiKey caller, String asked, String what) {
    String own = caller.tenant();
    if (own != null && asked != null && !asked.equals(own)) {
      String message = "this key is limited to tenant '" + own + "' and cannot make " + what + " for tenant '"
          + asked + "'; leave tenant out or set it to '" + own + "'";
      throw Problems.forbidden("tenant: " + message, List.of(new FieldError("tenant", message)));
    }
    return own != null ? own : asked;
  }

  /**
   * A batch's or workflow's members belong to its tenant: a member naming another is refused (a key
   * limited to a tenant was already refused any other tenant with 403).
   *
   * @param owner what the members belong to, for the message ("batch", "workflow")
   * @param field the members' field in the body ("jobs", "steps"), for the errors' paths
   * @throws ProblemException 400 naming every member whose tenant is not {@code tenant}
   */
  public static void require(List<JobRequest> members, String tenant, String owner, String field) {
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      String asked = members.get(i).options().tenant();
      if (asked != null && !asked.equals(tenant)) {
        errors.add(new FieldError(field + "[" + i + "].tenant", "a " + owner + "'s " + field + " belong to the " + owner
            + "'s tenant (" + (tenant == null ? "none" : "'" + tenant + "'") + "), got '" + asked + "'; leave tenant out"
            + (tenant == null ? "" : " or set it to '" + tenant + "'")));
      }
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
  }
}
