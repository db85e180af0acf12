using Aos.Messaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Aos.Reliability.Tests;

public sealed class LoadShedderTests : IDisposable
{
    private readonly FakeLogger<LoadShedder> _logger = new();
    private readonly LoadShedder _shedder;
    private readonly List<LoadShedderLease> _leases = [];

    public LoadShedderTests() =>
        _shedder = new LoadShedder(Options.Create(new ReliabilityOptions { LoadShedding = { Capacity = 100 } }), _logger);

    public void Dispose()
    {
        _leases.ForEach(l => l.Dispose());
        _shedder.Dispose();
    }

    [Fact]
    public void Defaults_AreTheSeeds()
    {
        var options = new LoadSheddingOptions();

        Assert.Equal(0.80, options.WarningThreshold);
        Assert.Equal(0.95, options.ShedThreshold);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RetryAfter);
    }

    [Fact]
    public void At80Percent_WarnsOncePerCrossing()
    {
        Fill(79, MessagePriority.Low);
        Assert.False(_shedder.IsWarning);
        Assert.Empty(Warnings());

        Fill(1, MessagePriority.Low);
        Fill(5, MessagePriority.Low);
        Assert.True(_shedder.IsWarning);
        Assert.Single(Warnings());

        for (var i = 0; i < 6; i++)
        {
            Leave();
        }

        Fill(1, MessagePriority.Low);
        Assert.Equal(2, Warnings().Count);
    }

    [Theory]
    [InlineData(MessagePriority.Low)]
    [InlineData(MessagePriority.Normal)]
    [InlineData(MessagePriority.High)]
    public void At95Percent_RefusesNonCriticalWork_AndAdmitsCritical(MessagePriority priority)
    {
        Fill(94, MessagePriority.Normal);
        Fill(1, priority);

        var refused = Assert.Throws<OverloadedException>(() => _shedder.Enter(priority));
        Assert.Equal(priority, refused.Priority);
        Assert.Equal(0.95, refused.Load, 3);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        Assert.Contains("admits only critical work", refused.Message, StringComparison.Ordinal);
        Assert.False(_shedder.TryEnter(priority, out _));

        Fill(5, MessagePriority.Critical);
        Assert.Equal(100, _shedder.InFlight);
    }

    [Fact]
    public void At100Percent_RefusesEverything()
    {
        Fill(95, MessagePriority.High);
        Fill(5, MessagePriority.Critical);

        var refused = Assert.Throws<OverloadedException>(() => _shedder.Enter(MessagePriority.Critical));

        Assert.Equal(MessagePriority.Critical, refused.Priority);
        Assert.Contains("refuses all work", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DisposingALease_FreesItsPlaceOnce()
    {
        Fill(95, MessagePriority.Normal);
        var lease = _leases[^1];

        lease.Dispose();
        lease.Dispose();

        Assert.Equal(94, _shedder.InFlight);
        Assert.True(_shedder.TryEnter(MessagePriority.Low, out var admitted));
        admitted.Dispose();
    }

    [Fact]
    public async Task ConcurrentEntries_NeverExceedCapacity()
    {
        var admitted = 0;
        await Parallel.ForAsync(0, 1_000, TestContext.Current.CancellationToken, (_, _) =>
        {
            if (_shedder.TryEnter(MessagePriority.Critical, out var lease))
            {
                Interlocked.Increment(ref admitted);
                lock (_leases)
                {
                    _leases.Add(lease);
                }
            }

            return ValueTask.CompletedTask;
        });

        Assert.Equal(100, admitted);
        Assert.Equal(100, _shedder.InFlight);
    }

    private void Fill(int count, MessagePriority priority)
    {
        for (var i = 0; i < count; i++)
        {
            _leases.Add(_shedder.Enter(priority));
        }
    }

    private void Leave()
    {
        _leases[^1].Dispose();
        _leases.RemoveAt(_leases.Count - 1);
    }

    private List<FakeLogRecord> Warnings() => [.. _logger.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning)];
}
