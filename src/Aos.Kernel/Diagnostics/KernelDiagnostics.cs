using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Aos.Kernel.Diagnostics;

/// <summary>Owns the kernel's <see cref="ActivitySource"/> and <see cref="Meter"/>, both named <c>Aos.Kernel</c>.</summary>
public static class KernelDiagnostics
{
    /// <summary>Gets the name of the kernel's activity source and meter.</summary>
    public const string Name = "Aos.Kernel";

    /// <summary>Gets the kernel's activity source: one span per agent turn.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, typeof(KernelDiagnostics).Assembly.GetName().Version?.ToString());

    /// <summary>Gets the kernel's meter.</summary>
    public static Meter Meter { get; } = new(Name, typeof(KernelDiagnostics).Assembly.GetName().Version?.ToString());

    internal static Counter<long> EventsHandled { get; } = Meter.CreateCounter<long>("aos.agent.events.handled", "{event}", "Messages an agent finished handling, by outcome.");

    internal static Counter<long> Activations { get; } = Meter.CreateCounter<long>("aos.agent.activations", "{activation}", "Agents woken (activated).");

    internal static Counter<long> Deactivations { get; } = Meter.CreateCounter<long>("aos.agent.deactivations", "{deactivation}", "Agents put to sleep (deactivated).");

    internal static Counter<long> HandlerFailures { get; } = Meter.CreateCounter<long>("aos.agent.handler.failures", "{failure}", "Handler attempts that threw or timed out.");

    internal static Histogram<double> TurnDuration { get; } = Meter.CreateHistogram<double>("aos.agent.turn.duration", "s", "Duration of an agent turn, including persistence.");
}
