using System.Text.Json.Nodes;

namespace Aos.Governance.Compliance;

/// <summary>Represents a condition on one field of an audit entry, which narrows when a <see cref="ComplianceCondition"/> applies.</summary>
public sealed record ComplianceFieldCondition
{
    /// <summary>Gets the field, as in <see cref="ComplianceCondition.Path"/>.</summary>
    public required string Path { get; init; }

    /// <summary>Gets the operator, as in <see cref="ComplianceCondition.Operator"/>.</summary>
    public required string Operator { get; init; }

    /// <summary>Gets the value compared with, as the operator needs it.</summary>
    public JsonNode? Value { get; init; }
}
