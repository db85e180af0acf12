using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aos.Reliability;

/// <summary>Deletes expired idempotency entries every <see cref="IdempotencyOptions.SweepInterval"/>, on the injected <see cref="TimeProvider"/>.</summary>
internal sealed partial class IdempotencySweeper(IIdempotencyStore store, IOptions<ReliabilityOptions> options, TimeProvider timeProvider, ILogger<IdempotencySweeper> logger) : BackgroundService
{
    // Started with the service, not when ExecuteAsync gets a thread, so that the interval counts from construction on any clock.
    private readonly PeriodicTimer _timer = new(options.Value.Idempotency.SweepInterval, timeProvider);

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (await _timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var deleted = await store.SweepAsync(stoppingToken).ConfigureAwait(false);
                if (deleted > 0)
                {
                    LogSwept(logger, deleted);
                }
            }
            catch (Exception e) when (e is AosException or InvalidOperationException)
            {
                // The next tick tries again; entries past their time to live are already ignored.
                LogSweepFailed(logger, e);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "Deleted {Count} expired idempotency entries.")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Warning, "Expired idempotency entries could not be deleted; the next sweep tries again.")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
