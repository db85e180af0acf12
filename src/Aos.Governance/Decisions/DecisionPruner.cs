using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aos.Governance.Decisions;

/// <summary>Removes the decisions older than <see cref="DecisionLogOptions.Retention"/> every <see cref="DecisionLogOptions.PruneInterval"/>; does nothing when no retention is set.</summary>
/// <remarks>Every node prunes; on a shared store they remove the same decisions, which is harmless (a removal of one already gone changes nothing).</remarks>
internal sealed partial class DecisionPruner(DecisionLog log, IOptions<DecisionLogOptions> options, TimeProvider timeProvider, ILogger<DecisionPruner> logger) : BackgroundService
{
    private readonly DecisionLogOptions _options = options.Value;

    /// <summary>Removes the decisions past the retention once.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many decisions were removed.</returns>
    internal async Task<int> PruneOnceAsync(CancellationToken cancellationToken)
    {
        if (_options.Retention is not { } retention)
        {
            return 0;
        }

        var before = timeProvider.GetUtcNow() - retention;
        var removed = await log.PruneAsync(before, cancellationToken).ConfigureAwait(false);
        if (removed > 0)
        {
            LogPruned(logger, removed, before);
        }

        return removed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.Retention is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.PruneInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await PruneOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogPruneFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Removed {Count} decisions made before {Before:o} (Aos:Governance:Decisions:Retention).")]
    private static partial void LogPruned(ILogger logger, int count, DateTimeOffset before);

    [LoggerMessage(2, LogLevel.Warning, "Removing the decisions past Aos:Governance:Decisions:Retention failed; the next pass tries again.")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
