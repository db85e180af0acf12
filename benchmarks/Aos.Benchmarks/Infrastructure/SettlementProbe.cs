using System.Collections.Concurrent;
using System.Diagnostics;
using Aos.Kernel.Messaging;
using Aos.Messaging;

namespace Aos.Benchmarks.Infrastructure;

/// <summary>
/// Observes the dispatcher's settlements: counts deliveries, times single messages from their publish call to their settlement, and
/// waits until a count of deliveries or a fan-out's last recipient is reached.
/// </summary>
internal sealed class SettlementProbe : IDisposable
{
    private readonly MessageDispatcher _dispatcher;
    private readonly ConcurrentDictionary<string, (long CallStarted, long Scheduled)> _timed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FanOut> _fanOuts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(double FromCall, double FromSchedule)> _latencies = new();
    private ConcurrentQueue<(long Scheduled, long Settled)>? _timeline;
    private long _delivered;
    private long _other;
    private long _target = long.MaxValue;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SettlementProbe(MessageDispatcher dispatcher)
    {
        _dispatcher = dispatcher;
        _dispatcher.Settled += OnSettled;
    }

    /// <summary>Gets how many messages were settled as delivered.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Gets how many settlements were not deliveries (retries, dead letters); a measurement expects none.</summary>
    public long Other => Interlocked.Read(ref _other);

    /// <summary>Waits until <paramref name="count"/> messages in all have been delivered.</summary>
    public Task WaitForDeliveredAsync(long count, TimeSpan timeout)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _reached, reached);
        Interlocked.Exchange(ref _target, count);
        if (Delivered >= count)
        {
            reached.TrySetResult();
        }

        return reached.Task.WaitAsync(timeout);
    }

    /// <summary>Times a message from its publish call (and from when it was due to be published) to its settlement.</summary>
    public void Time(string messageId, long callStarted, long scheduled) => _timed[messageId] = (callStarted, scheduled);

    /// <summary>Takes the latencies (ms) recorded so far.</summary>
    public List<(double FromCall, double FromSchedule)> TakeLatencies()
    {
        var list = new List<(double, double)>();
        while (_latencies.TryDequeue(out var sample))
        {
            list.Add(sample);
        }

        return list;
    }

    /// <summary>Starts keeping each timed message's due time and settlement time (as Stopwatch timestamps), for a timeline.</summary>
    public void KeepTimes() => Volatile.Write(ref _timeline, new ConcurrentQueue<(long, long)>());

    /// <summary>Takes the times kept since <see cref="KeepTimes"/> and stops keeping them.</summary>
    public List<(long Scheduled, long Settled)> TakeTimes() => [.. Interlocked.Exchange(ref _timeline, null) ?? []];

    /// <summary>Returns a task that completes when <paramref name="recipients"/> recipients have processed the message.</summary>
    public Task ExpectFanOut(string messageId, int recipients)
    {
        var fanOut = new FanOut(recipients);
        _fanOuts[messageId] = fanOut;
        return fanOut.Done.Task;
    }

    public void Dispose() => _dispatcher.Settled -= OnSettled;

    private void OnSettled(TransportMessage message, string outcome)
    {
        var now = Stopwatch.GetTimestamp();
        if (outcome != "delivered")
        {
            Interlocked.Increment(ref _other);
            return;
        }

        var id = message.Envelope.Id;
        if (_timed.TryRemove(id, out var started))
        {
            _latencies.Enqueue((Stopwatch.GetElapsedTime(started.CallStarted, now).TotalMilliseconds, Stopwatch.GetElapsedTime(started.Scheduled, now).TotalMilliseconds));
            Volatile.Read(ref _timeline)?.Enqueue((started.Scheduled, now));
        }

        if (_fanOuts.TryGetValue(id, out var fanOut) && Interlocked.Decrement(ref fanOut.Remaining) == 0)
        {
            fanOut.Done.TrySetResult();
            _fanOuts.TryRemove(id, out _);
        }

        if (Interlocked.Increment(ref _delivered) >= Interlocked.Read(ref _target))
        {
            Volatile.Read(ref _reached).TrySetResult();
        }
    }

    private sealed class FanOut(int recipients)
    {
        public int Remaining = recipients;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
