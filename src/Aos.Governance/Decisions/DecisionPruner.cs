using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aos.Governance.Decisions;

/// <summary>Removes the decisions older than <see cref="DecisionLogOptions.Retention"/> every <see cref="DecisionLogOptions.PruneInterval"/>; does nothing when no retention is set.</summary>
/// <remarks>Every node prunes; on a shared store they remove the same decisions, which is harmless (a removal of one already gone changes nothing).</remarks>
internal sealed partial class DecisionPruner(DecisionLog log, IOptions<DecisionLogOptions> options, TimeProvider timeProvider, ILogger<DecisionPruner> logger) : RetentionPass(timeProvider)
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

        var before = Clock.GetUtcNow() - retention;
        var removed = await log.PruneAsync(before, cancellationToken).ConfigureAwait(false);
        if (removed > 0)
        {
            LogPruned(logger, removed, before);
        }

        return removed;
    }

    protected override bool Enabled => _options.Retention is not null;

    protected override TimeSpan Interval => _options.PruneInterval;

    protected override Task PassAsync(CancellationToken cancellationToken) => PruneOnceAsync(cancellationToken);

    protected override void OnPassFailed(Exception exception) => LogPruneFailed(logger, exception);

    [LoggerMessage(1, LogLevel.Information, "Removed {Count} decisions made before {Before:o} (Aos:Governance:Decisions:Retention).")]
    private static partial void LogPruned(ILogger logger, int count, DateTimeOffset before);

    [LoggerMessage(2, LogLevel.Warning, "Removing the decisions past Aos:Governance:Decisions:Retention failed; the next pass tries again.")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
