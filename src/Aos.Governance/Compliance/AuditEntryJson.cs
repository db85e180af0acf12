using System.Globalization;
using System.Text.Json;
using Aos.Governance.Audit;

namespace Aos.Governance.Compliance;

/// <summary>Reads an audit entry from JSON in the shape the audit export writes (context as a JSON object), for assertions of entries sent over the wire.</summary>
public static class AuditEntryJson
{
    /// <summary>Reads one entry; its context is put back in canonical form so that its hash can be checked whatever the sender's formatting.</summary>
    /// <param name="entry">The entry: <c>id</c>, <c>time</c>, <c>tenant</c>, <c>actor</c>, <c>action</c>, <c>resource</c>, <c>outcome</c>, <c>level</c>, <c>context</c>, <c>previousHash</c>, <c>hash</c>.</param>
    /// <param name="field">The name of the entry in errors, such as <c>entries[0]</c>.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="AosValidationException">A field is missing or of the wrong kind (the exception names it).</exception>
    public static AuditEntry Read(JsonElement entry, string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new AosValidationException($"{field} must be an audit entry object, as the audit export writes it.") { Field = field };
        }

        var id = Get(entry, field, "id", JsonValueKind.Number);
        var time = String(entry, field, "time");
        if (!id.TryGetInt64(out var sequence) || sequence < 1)
        {
            throw new AosValidationException($"{field}.id must be the entry's sequence number, 1 or more.") { Field = field + ".id" };
        }

        if (!DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            throw new AosValidationException($"{field}.time '{time}' is not an ISO 8601 time such as 2026-11-30T12:00:00.0000000Z.") { Field = field + ".time" };
        }

        var levelText = entry.TryGetProperty("level", out var levelValue) && levelValue.ValueKind == JsonValueKind.String ? levelValue.GetString()! : "info";
        var level = levelText switch
        {
            "info" => AuditLevel.Info,
            "warning" => AuditLevel.Warning,
            "critical" => AuditLevel.Critical,
            _ => throw new AosValidationException($"{field}.level '{levelText}' is not an audit level: use info, warning or critical.") { Field = field + ".level" },
        };
        var context = entry.TryGetProperty("context", out var contextValue) ? contextValue : default(JsonElement?);
        if (context is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
        {
            throw new AosValidationException($"{field}.context must be a JSON object.") { Field = field + ".context" };
        }

        return new AuditEntry(
            sequence,
            at,
            String(entry, field, "tenant"),
            String(entry, field, "actor"),
            String(entry, field, "action"),
            String(entry, field, "resource"),
            String(entry, field, "outcome"),
            level,
            AuditHasher.CanonicalContext(context),
            String(entry, field, "previousHash"),
            String(entry, field, "hash"));
    }

    private static string String(JsonElement entry, string field, string name) => Get(entry, field, name, JsonValueKind.String).GetString()!;

    private static JsonElement Get(JsonElement entry, string field, string name, JsonValueKind kind) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == kind
            ? value
            : throw new AosValidationException($"{field}.{name} is missing or not a {(kind == JsonValueKind.Number ? "number" : "string")}.") { Field = $"{field}.{name}" };
}
