using System.Diagnostics.Metrics;
using System.Globalization;
using Aos.Messaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Aos.Reliability;

/// <summary>Admits work by priority against a node's capacity of in-flight work, and sheds the rest with a clear refusal.</summary>
/// <remarks>
/// <para>
/// Load is the in-flight count over <see cref="LoadSheddingOptions.Capacity"/>. Work is admitted while, counting itself, load stays
/// below the shedding threshold (95 % by default) or, for <see cref="MessagePriority.Critical"/> work, at most capacity: from 95 %
/// low, normal and high work is refused, at 100 % everything is. Crossing the warning threshold (80 %) logs one warning per crossing.
/// </para>
/// <para>
/// The meter <c>Aos.Reliability</c> reports <c>aos.reliability.load.in_flight</c>, <c>aos.reliability.load.utilization</c> and
/// <c>aos.reliability.load.shed</c> (by priority). Thread-safe; admission is one compare-and-swap.
/// </para>
/// </remarks>
public sealed partial class LoadShedder : IDisposable
{
    private readonly LoadSheddingOptions _options;
    private readonly ILogger _logger;
    private readonly Meter _meter;
    private readonly Counter<long> _shed;
    private readonly int _shedAt;
    private readonly int _warnAt;
    private int _inFlight;
    private int _warned;

    /// <summary>Initializes a new instance of the <see cref="LoadShedder"/> class.</summary>
    /// <param name="options">The reliability options; their <see cref="ReliabilityOptions.LoadShedding"/> is read once.</param>
    /// <param name="logger">The logger of load warnings; <see langword="null"/> for none.</param>
    /// <param name="meterFactory">The factory of the <c>Aos.Reliability</c> meter; <see langword="null"/> to create it directly.</param>
    public LoadShedder(IOptions<ReliabilityOptions> options, ILogger<LoadShedder>? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.LoadShedding;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _shedAt = Math.Max(1, (int)Math.Ceiling(_options.Capacity * _options.ShedThreshold));
        _warnAt = Math.Max(1, (int)Math.Ceiling(_options.Capacity * _options.WarningThreshold));
        _meter = meterFactory?.Create(ReliabilityTelemetry.Name) ?? new Meter(ReliabilityTelemetry.Name);
        _meter.CreateObservableGauge("aos.reliability.load.in_flight", () => Volatile.Read(ref _inFlight), "{work}", "Work in flight on this node.");
        _meter.CreateObservableGauge("aos.reliability.load.utilization", () => Load, null, "In-flight work as a fraction of capacity.");
        _shed = _meter.CreateCounter<long>("aos.reliability.load.shed", "{work}", "Work refused because the node was overloaded.");
    }

    /// <summary>Gets the work in flight.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Gets the load: the work in flight as a fraction of capacity.</summary>
    public double Load => (double)Volatile.Read(ref _inFlight) / _options.Capacity;

    /// <summary>Gets a value indicating whether the load is at or above the warning threshold.</summary>
    public bool IsWarning => Volatile.Read(ref _inFlight) >= _warnAt;

    /// <summary>Admits work of a priority if the load allows it.</summary>
    /// <param name="priority">The work's priority.</param>
    /// <param name="lease">The admission, which the caller disposes when the work is done; <see langword="null"/> when refused.</param>
    /// <returns><see langword="true"/> when the work is admitted.</returns>
    public bool TryEnter(MessagePriority priority, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LoadShedderLease? lease)
    {
        var limit = priority >= MessagePriority.Critical ? _options.Capacity : _shedAt;
        var current = Volatile.Read(ref _inFlight);
        while (true)
        {
            if (current >= limit)
            {
                _shed.Add(1, new KeyValuePair<string, object?>("aos.priority", priority.ToString()));
                lease = null;
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _inFlight, current + 1, current);
            if (seen == current)
            {
                break;
            }

            current = seen;
        }

        if (current + 1 >= _warnAt && Interlocked.Exchange(ref _warned, 1) == 0)
        {
            LogHighLoad(_logger, current + 1, _options.Capacity, _options.WarningThreshold * 100);
        }

        lease = new LoadShedderLease(this);
        return true;
    }

    /// <summary>Admits work of a priority, or refuses it.</summary>
    /// <param name="priority">The work's priority.</param>
    /// <returns>The admission, which the caller disposes when the work is done.</returns>
    /// <exception cref="OverloadedException">The load is too high for this priority; nothing was done.</exception>
    public LoadShedderLease Enter(MessagePriority priority)
    {
        if (TryEnter(priority, out var lease))
        {
            return lease;
        }

        var load = Load;
        var what = priority >= MessagePriority.Critical
            ? "the node is at capacity and refuses all work, critical included"
            : $"the node is at or above {(_options.ShedThreshold * 100).ToString("0.#", CultureInfo.InvariantCulture)} % of capacity and admits only critical work";
        throw new OverloadedException(
            $"Work of priority {priority} was refused: {what} ({InFlight} of {_options.Capacity} in flight). Retry after {_options.RetryAfter.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.")
        { Priority = priority, Load = load, RetryAfter = _options.RetryAfter };
    }

    /// <summary>Releases the meter.</summary>
    public void Dispose() => _meter.Dispose();

    internal void Leave()
    {
        var now = Interlocked.Decrement(ref _inFlight);
        if (now < _warnAt && Volatile.Read(ref _warned) == 1 && Interlocked.Exchange(ref _warned, 0) == 1)
        {
            LogLoadNormal(_logger, now, _options.Capacity);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Load is high: {InFlight} of {Capacity} in flight (warning at {Threshold} %); low, normal and high work will be shed near capacity.")]
    private static partial void LogHighLoad(ILogger logger, int inFlight, int capacity, double threshold);

    [LoggerMessage(2, LogLevel.Information, "Load is back below the warning threshold: {InFlight} of {Capacity} in flight.")]
    private static partial void LogLoadNormal(ILogger logger, int inFlight, int capacity);
}
