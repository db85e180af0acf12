namespace Aos.Kernel.Tests.TestAgents;

/// <summary>The typed state of a <see cref="CounterAgent"/>.</summary>
internal sealed class CounterState
{
    public long Count { get; set; }

    public List<string> Sources { get; set; } = [];

    public List<string> WakeUps { get; set; } = [];
}
