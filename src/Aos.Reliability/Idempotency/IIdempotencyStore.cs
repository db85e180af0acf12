using System.Text.Json;

namespace Aos.Reliability;

/// <summary>Runs an operation once per message and business key, and returns its first result to every repeat.</summary>
/// <remarks>
/// The key is <see cref="IdempotencyKey.Compute"/>: the hex SHA-256 of the message id and the business key. The first successful result
/// is kept, as JSON, for the time to live (24 hours by default) and returned to every repeat within it; a failed run keeps nothing, so a
/// repeat runs again. Repeats that arrive while the first run is still going wait for it on the same node, and are refused with
/// <see cref="IdempotencyInProgressException"/> on another. Thread-safe.
/// </remarks>
public interface IIdempotencyStore
{
    /// <summary>Runs an operation unless a run with the same message id and business key succeeded within the time to live, in which case it returns that run's result.</summary>
    /// <typeparam name="T">The result; it must round-trip through JSON.</typeparam>
    /// <param name="messageId">The id of the message that asks for the operation.</param>
    /// <param name="businessKey">What the operation does, in the caller's words (<c>charge:order-42</c>); one message may carry several operations.</param>
    /// <param name="operation">The operation.</param>
    /// <param name="serializerOptions">The JSON options of the result; <see langword="null"/> for <see cref="JsonSerializerOptions.Web"/>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The result of this run, or of the first successful run.</returns>
    /// <exception cref="IdempotencyInProgressException">The first run, on another node, has not finished; nothing was run.</exception>
    /// <exception cref="AosValidationException">The message id or business key is empty.</exception>
    Task<T> ExecuteOnceAsync<T>(string messageId, string businessKey, Func<CancellationToken, Task<T>> operation, JsonSerializerOptions? serializerOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes the entries whose time to live has passed.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>How many entries were deleted.</returns>
    ValueTask<int> SweepAsync(CancellationToken cancellationToken = default);
}
