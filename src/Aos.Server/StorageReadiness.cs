using Aos.Storage;

namespace Aos.Server;

/// <summary>Tells whether every storage backend the node uses answers, for <c>/readyz</c>; remembers the answer for a second so probes stay cheap.</summary>
internal sealed class StorageReadiness(IEnumerable<IStorageProvider> providers, TimeProvider timeProvider)
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ResultLifetime = TimeSpan.FromSeconds(1);

    private readonly IStorageHealth[] _checks = [.. providers.OfType<IStorageHealth>()];
    private readonly Lock _lock = new();
    private (DateTimeOffset At, string? Problem) _last = (DateTimeOffset.MinValue, null);
    private Task<string?>? _running;

    /// <summary>Checks every backend, or returns the answer of a check less than a second old.</summary>
    /// <returns><see langword="null"/> when all answer; otherwise what is wrong, naming the backends.</returns>
    public Task<string?> CheckAsync()
    {
        lock (_lock)
        {
            if (timeProvider.GetUtcNow() - _last.At < ResultLifetime)
            {
                return Task.FromResult(_last.Problem);
            }

            return _running ??= RunAsync();
        }
    }

    private async Task<string?> RunAsync()
    {
        var problems = await Task.WhenAll(_checks.Select(CheckOneAsync)).ConfigureAwait(false);
        var problem = problems.Any(p => p is not null) ? string.Join(" ", problems.Where(p => p is not null)) : null;
        lock (_lock)
        {
            _last = (timeProvider.GetUtcNow(), problem);
            _running = null;
        }

        return problem;
    }

    private async Task<string?> CheckOneAsync(IStorageHealth check)
    {
        var name = (check as IStorageProvider)?.Name ?? check.GetType().Name;
        using var timeout = new CancellationTokenSource(CheckTimeout, timeProvider);
        try
        {
            await check.CheckHealthAsync(timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return $"Storage backend '{name}' did not answer within {CheckTimeout.TotalSeconds:0} s.";
        }
        catch (Exception ex) when (ex is StorageUnavailableException or AosException)
        {
            return $"Storage backend '{name}' is unavailable: {ex.Message}";
        }
    }
}
