namespace Aos.Agents;

/// <summary>Represents one of a purpose-driven agent's goals and how far it has come.</summary>
[GenerateSerializer, Immutable, Alias("aos.goal")]
public sealed record Goal
{
    /// <summary>Gets the goal's id, unique within its agent.</summary>
    [Id(0)] public required string Id { get; init; }

    /// <summary>Gets what the goal is.</summary>
    [Id(1)] public required string Description { get; init; }

    /// <summary>Gets the progress, from 0 to 1.</summary>
    [Id(2)] public double Progress { get; init; }

    /// <summary>Gets a value indicating whether the goal is complete, which it is at progress 1.</summary>
    [Id(3)] public bool Completed { get; init; }

    /// <summary>Gets when the goal was added.</summary>
    [Id(4)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the goal was completed, if it was.</summary>
    [Id(5)] public DateTimeOffset? CompletedAt { get; init; }
}
