using Aos.Security.Sessions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aos.Server.Security;

/// <summary>Deletes the sessions ended longer ago than their retention, every <see cref="SessionLifetimeOptions.PurgeInterval"/>, on the injected <see cref="TimeProvider"/>.</summary>
/// <remarks>A purge that fails (the store is unreachable) logs a warning and is tried again at the next tick; an ended session refuses its tokens either way.</remarks>
internal sealed partial class SessionPurger(SessionService sessions, TimeProvider timeProvider, TimeSpan interval, ILogger<SessionPurger> logger) : BackgroundService
{
    // Started with the service, not when ExecuteAsync gets a thread, so that the interval counts from construction on any clock.
    private readonly PeriodicTimer _timer = new(interval, timeProvider);

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    var deleted = await sessions.PurgeEndedAsync(stoppingToken).ConfigureAwait(false);
                    if (deleted > 0)
                    {
                        LogPurged(logger, deleted);
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogPurgeFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Deleted {Count} sessions that ended longer ago than their retention.")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Warning, "Ended sessions could not be deleted; the next purge tries again.")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
