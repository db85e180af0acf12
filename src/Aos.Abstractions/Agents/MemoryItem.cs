namespace Aos.Agents;

/// <summary>Represents one item of an agent's memory: something it chose to remember.</summary>
public sealed record MemoryItem
{
    /// <summary>Gets what is remembered.</summary>
    public required string Content { get; init; }

    /// <summary>Gets free-form tags for finding the item again.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets when the item was remembered.</summary>
    public DateTimeOffset Timestamp { get; init; }
}
