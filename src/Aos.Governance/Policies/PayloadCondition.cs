using System.Text.Json.Nodes;

namespace Aos.Governance.Policies;

/// <summary>Represents a condition on one field of a system call's payload.</summary>
public sealed record PayloadCondition
{
    /// <summary>Gets the path of the field, such as <c>payload.amount</c> or <c>payload.card.number</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Gets how the field is compared with <see cref="Value"/>.</summary>
    public required PayloadOperator Operator { get; init; }

    /// <summary>Gets the value compared with: a number, a string, a Boolean, <see langword="null"/>, or an array for <see cref="PayloadOperator.In"/>.</summary>
    public JsonNode? Value { get; init; }
}
