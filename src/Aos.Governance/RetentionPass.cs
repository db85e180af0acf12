using Microsoft.Extensions.Hosting;

namespace Aos.Governance;

/// <summary>Runs a retention pass every interval while a retention is set; a failed pass is reported and the next one tries again.</summary>
/// <param name="timeProvider">The clock of the interval.</param>
internal abstract class RetentionPass(TimeProvider timeProvider) : BackgroundService
{
    /// <summary>Gets the clock of the interval, and of what a pass counts as past its retention.</summary>
    protected TimeProvider Clock { get; } = timeProvider;

    /// <summary>Gets whether a retention is set; without one the service does nothing.</summary>
    protected abstract bool Enabled { get; }

    /// <summary>Gets the time between passes.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>Runs one pass.</summary>
    protected abstract Task PassAsync(CancellationToken cancellationToken);

    /// <summary>Reports a pass that failed.</summary>
    protected abstract void OnPassFailed(Exception exception);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await PassAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    OnPassFailed(e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
