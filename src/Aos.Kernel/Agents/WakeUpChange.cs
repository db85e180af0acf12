namespace Aos.Kernel.Agents;

/// <summary>Represents a wake-up scheduled or cancelled during a turn, applied to the reminder service once the turn is durable.</summary>
/// <param name="Name">The wake-up's name.</param>
/// <param name="DueTime">When it is first due.</param>
/// <param name="Period">How often it repeats, or <see langword="null"/> for once.</param>
/// <param name="Cancel">Whether the wake-up is cancelled rather than scheduled.</param>
internal readonly record struct WakeUpChange(string Name, TimeSpan DueTime, TimeSpan? Period, bool Cancel);
