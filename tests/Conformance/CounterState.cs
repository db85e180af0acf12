namespace Aos.Conformance;

/// <summary>Represents the grain state the grain storage conformance tests store.</summary>
[GenerateSerializer, Alias("aos.tests.counter-state")]
public sealed record CounterState
{
    [Id(0)] public string Name { get; init; } = string.Empty;

    [Id(1)] public int Count { get; init; }

    [Id(2)] public List<string> Tags { get; init; } = [];
}
