using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Governance.Audit;
using Aos.Governance.Policies;

namespace Aos.Governance.Compliance;

/// <summary>Presents an audit entry as a JSON object whose fields compliance conditions name, and checks those names.</summary>
internal static class AuditEntryFields
{
    public const string Context = "context";

    private static readonly string[] Scalars = ["tenant", "actor", "action", "resource", "outcome", "level"];

    public static string? ValidatePath(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return $"a field condition needs a 'path': one of {string.Join(", ", Scalars)} or a path under context such as context.approval.status";
        }

        // The policy engine's paths start at 'payload'; an entry's fields are read the same way from a root named so.
        if (PayloadPath.Validate("payload." + path) is not null)
        {
            return $"'{path}' is not a field path: its segments must be property names separated by single dots, such as context.policy.effect";
        }

        var segments = path.Split('.');
        return segments[0] == Context ? null
            : Scalars.Contains(segments[0], StringComparer.Ordinal) && segments.Length == 1 ? null
            : $"'{path}' is not a field of an audit entry: use one of {string.Join(", ", Scalars)} or a path under context such as context.approval.status";
    }

    public static JsonElement ToJson(AuditEntry entry)
    {
        var context = string.IsNullOrWhiteSpace(entry.Context) ? new JsonObject() : JsonNode.Parse(entry.Context);
        var root = new JsonObject
        {
            ["id"] = entry.Id,
            ["time"] = entry.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["tenant"] = entry.Tenant,
            ["actor"] = entry.Actor,
            ["action"] = entry.Action,
            ["resource"] = entry.Resource,
            ["outcome"] = entry.Outcome,
            ["level"] = AuditHasher.FormatLevel(entry.Level),
            [Context] = context,
        };
        return JsonSerializer.SerializeToElement(root, ComplianceJsonContext.Default.JsonObject);
    }
}
