using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Governance.Audit;

namespace Aos.Governance.Tests.Compliance;

/// <summary>Builds audit records of the shape the system-call pipeline appends: a dotted action, an outcome and the policy context.</summary>
internal static class SystemCalls
{
    public static AuditRecord Record(
        string action,
        string outcome = "succeeded",
        string actor = "alice",
        string tenant = "acme",
        string effect = "allow",
        string? approval = null,
        string? explanation = "allowed by rule r1",
        Action<JsonObject>? context = null)
    {
        var policy = new JsonObject { ["effect"] = effect, ["policy"] = "base", ["rule"] = "r1" };
        if (explanation is not null)
        {
            policy["explanation"] = explanation;
        }

        var json = new JsonObject { ["policy"] = policy, ["traceId"] = "4bf92f3577b34da6a3ce929d0e0e4736" };
        if (approval is not null)
        {
            json["approval"] = new JsonObject { ["id"] = "ap-1", ["status"] = approval };
        }

        if (outcome == "failed")
        {
            json["error"] = "The store did not answer.";
        }

        context?.Invoke(json);
        return new AuditRecord
        {
            Tenant = tenant,
            Actor = actor,
            Action = action,
            Resource = action.Split('.')[0] + "/x",
            Outcome = outcome,
            Context = JsonDocument.Parse(json.ToJsonString()).RootElement,
        };
    }
}
