namespace Aos.Storage;

/// <summary>Checks that a storage backend answers, for the node's readiness.</summary>
/// <remarks>Implemented by storage providers that depend on a server. A check makes one cheap request and does not retry.</remarks>
public interface IStorageHealth
{
    /// <summary>Makes one cheap request to the backend.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests; the caller bounds the check's time with it.</param>
    /// <returns>A task that completes when the backend answered.</returns>
    /// <exception cref="StorageUnavailableException">The backend did not answer; the message says which and what to check.</exception>
    ValueTask CheckHealthAsync(CancellationToken cancellationToken = default);
}
