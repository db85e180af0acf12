using Aos.Security.Roles;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aos.Server.Security;

/// <summary>Loads the <see cref="RoleCatalog"/> before the server takes requests, then refreshes it periodically, so changes made on other nodes hold here too.</summary>
/// <remarks>A refresh that fails (the store is unreachable) keeps the last snapshot, logs a warning, and is tried again at the next tick.</remarks>
internal sealed partial class RoleCatalogRefresher(RoleCatalog roles, TimeProvider timeProvider, TimeSpan interval, ILogger<RoleCatalogRefresher> logger) : BackgroundService
{
    /// <summary>Gets the configuration key of the refresh interval.</summary>
    public const string IntervalKey = "Aos:Auth:RoleCatalogRefresh";

    /// <summary>Gets the refresh interval when none is configured.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await roles.RefreshAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await roles.RefreshAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogRefreshFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not refresh the role catalog from the identity store; the last roles read stay in force.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
