namespace Aos.Registry;

/// <summary>Represents one page of registered agents.</summary>
/// <param name="Items">The agents on this page, ordered by id.</param>
/// <param name="Next">The value of <see cref="AgentQuery.After"/> that reads the next page, or <see langword="null"/> on the last page.</param>
[GenerateSerializer, Immutable, Alias("aos.agent-page")]
public sealed record AgentPage([property: Id(0)] IReadOnlyList<AgentRecord> Items, [property: Id(1)] string? Next);
