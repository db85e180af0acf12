using Aos.Reliability;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;

namespace Aos.Nats.Messaging;

public sealed partial class NatsMessageTransport
{
    /// <summary>Gets the name of the NATS transport in the reliability service's options and pipelines.</summary>
    public const string Dependency = "transport:nats";

    private const string Remedy = $"Check that the server runs with JetStream (-js) and accepts connections there ({NatsMessageTransportOptions.SectionName}:Url).";

    private readonly DependencyPipelines _pipelines;
    private readonly DependencyPipelines? _ownPipelines;

    /// <summary>Runs one request to the server through the <c>transport:nats</c> pipeline: a transient failure is retried, the circuit breaker counts it.</summary>
    /// <remarks>
    /// The call must be safe to repeat: a read, an idempotent write (a put of the same value, a create-or-update of a stream), or a
    /// conditional write whose caller handles the condition failing because its own first attempt took effect. Each attempt is bounded by
    /// NATS.Net's request timeout, which the transport sets from the dependency's <see cref="DependencyOptions.AttemptTimeout"/>, so the
    /// pipeline adds no timer of its own.
    /// </remarks>
    /// <exception cref="DependencyUnavailableException">The server could not be reached or did not answer after the retries, or the circuit is open.</exception>
    private ValueTask<T> CallAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken) =>
        _pipelines.ExecuteTimedByClientAsync(Dependency, call, _target, Remedy, cancellationToken);

    /// <summary>Runs a call that is more than one request (the connection and set-up, a watch over keys) through the <c>transport:nats</c> pipeline, each attempt bounded by the pipeline's timeout.</summary>
    /// <exception cref="DependencyUnavailableException">The server could not be reached or did not answer after the retries, or the circuit is open.</exception>
    private ValueTask<T> CallBoundedAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken) =>
        _pipelines.ExecuteAsync(Dependency, call, _target, Remedy, cancellationToken);

    /// <summary>Runs one call whose expected failures come back as a result, throwing a transient one so that the pipeline retries it.</summary>
    private ValueTask<NatsResult<T>> TryCallAsync<T>(Func<CancellationToken, ValueTask<NatsResult<T>>> call, CancellationToken cancellationToken) =>
        CallAsync(
            async token =>
            {
                var result = await call(token).ConfigureAwait(false);
                return !result.Success && _pipelines.Classify(result.Error, Dependency) == ErrorClass.Transient ? throw result.Error : result;
            },
            cancellationToken);

    /// <summary>Runs one call whose expected failures come back as a result, throwing a transient one so that the pipeline retries it.</summary>
    private ValueTask<NatsResult> TryCallAsync(Func<CancellationToken, ValueTask<NatsResult>> call, CancellationToken cancellationToken) =>
        CallAsync(
            async token =>
            {
                var result = await call(token).ConfigureAwait(false);
                return !result.Success && _pipelines.Classify(result.Error, Dependency) == ErrorClass.Transient ? throw result.Error : result;
            },
            cancellationToken);

    /// <summary>Runs a conditional key-value write (create, or update at a revision); when a retry of it fails its condition, reads the key and takes the write as done if the key holds what the write put.</summary>
    /// <remarks>The retry of a conditional write whose first attempt took effect unseen fails its own condition; without this check it would pass for a conflict with another writer.</remarks>
    /// <returns>The new revision, or the failed condition of a write that is not this one's.</returns>
    private async ValueTask<NatsResult<ulong>> WriteOnceAsync<T>(INatsKVStore bucket, string key, Func<CancellationToken, ValueTask<NatsResult<ulong>>> write, Func<T?, bool> isOwn, CancellationToken cancellationToken)
    {
        var tries = 0;
        var result = await TryCallAsync(
            ct =>
            {
                tries++;
                return write(ct);
            },
            cancellationToken).ConfigureAwait(false);
        if (result.Success || tries == 1 || result.Error is not (NatsKVWrongLastRevisionException or NatsKVCreateException))
        {
            return result;
        }

        var current = await TryGetAsync<T>(bucket, key, cancellationToken).ConfigureAwait(false);
        return current.Success && isOwn(current.Value.Value) ? current.Value.Revision : result;
    }
}
