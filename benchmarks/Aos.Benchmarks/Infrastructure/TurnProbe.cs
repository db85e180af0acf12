using System.Diagnostics;
using Aos.Kernel.Diagnostics;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>
/// Listens to the kernel's turn spans to split a request's latency into the time until its turn starts (activation and
/// dispatch) and the turn itself (handler and durable commit). Meant for one request at a time.
/// </summary>
internal sealed class TurnProbe : IDisposable
{
    private readonly ActivityListener _listener;
    private long _started;
    private long _stopped;

    public TurnProbe()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == KernelDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = _ => Volatile.Write(ref _started, Stopwatch.GetTimestamp()),
            ActivityStopped = _ => Volatile.Write(ref _stopped, Stopwatch.GetTimestamp()),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Gets when the last turn started and stopped, as <see cref="Stopwatch"/> timestamps.</summary>
    public (long Started, long Stopped) Last => (Volatile.Read(ref _started), Volatile.Read(ref _stopped));

    public void Dispose() => _listener.Dispose();
}
