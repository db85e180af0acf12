using System.Text.Json;

namespace Aos.Governance.Audit;

/// <summary>Describes an action to append to the audit log; the log assigns its sequence number, time and hashes.</summary>
public sealed record AuditRecord
{
    /// <summary>Gets the tenant the action happened in.</summary>
    public required string Tenant { get; init; }

    /// <summary>Gets who acted: a user, an API key or an agent.</summary>
    public required string Actor { get; init; }

    /// <summary>Gets what was done, for example <c>agents.spawn</c>.</summary>
    public required string Action { get; init; }

    /// <summary>Gets what it was done to.</summary>
    public required string Resource { get; init; }

    /// <summary>Gets how it ended, for example <c>allowed</c>, <c>denied</c> or <c>failed</c>.</summary>
    public required string Outcome { get; init; }

    /// <summary>Gets how much attention the entry deserves.</summary>
    /// <value>The default is <see cref="AuditLevel.Info"/>.</value>
    public AuditLevel Level { get; init; } = AuditLevel.Info;

    /// <summary>Gets further details as a JSON object, or <see langword="null"/> for none.</summary>
    public JsonElement? Context { get; init; }
}
