using Aos.Reliability;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Aos.Nats.Messaging;

public sealed partial class NatsMessageTransport
{
    /// <summary>Gets the name of the NATS transport in the reliability service's options and pipelines.</summary>
    public const string Dependency = "transport:nats";

    private readonly DependencyPipelines _pipelines;
    private readonly DependencyPipelines? _ownPipelines;
    private readonly ResiliencePipeline _pipeline;

    /// <summary>Runs one call to the server through the <c>transport:nats</c> pipeline: a transient failure is retried, the circuit breaker counts it.</summary>
    /// <remarks>
    /// The call must be safe to repeat: a read, an idempotent write (a publish with a message id, a put of the same value, a create-or-update
    /// of a stream), or a conditional write whose caller handles the condition failing because its own first attempt took effect.
    /// </remarks>
    /// <exception cref="DependencyUnavailableException">The server could not be reached or did not answer after the retries, or the circuit is open.</exception>
    private async ValueTask<T> CallAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(static (c, token) => c(token), call, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException e)
        {
            var refusal = _pipelines.CircuitOpen(Dependency, e);
            throw new DependencyUnavailableException(
                $"NATS at {_natsOptions.Url} is not being called for now: the circuit breaker of {Dependency} opened after repeated transient failures. "
                + $"Check that the server runs with JetStream (-js) and accepts connections there ({NatsMessageTransportOptions.SectionName}:Url). "
                + $"Retry after {Math.Ceiling(refusal.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)} s.",
                e)
            { Dependency = Dependency, RetryAfter = refusal.RetryAfter, CircuitOpen = true };
        }
        catch (Exception e) when (e is TimeoutRejectedException || (!cancellationToken.IsCancellationRequested && _pipelines.Classify(e, Dependency) == ErrorClass.Transient))
        {
            throw new DependencyUnavailableException(
                $"NATS at {_natsOptions.Url} could not be reached or did not answer after retries ({e.Message.TrimEnd('.')}; dependency {Dependency}). "
                + $"Check that the server runs with JetStream (-js) and accepts connections there ({NatsMessageTransportOptions.SectionName}:Url); retries are set at "
                + $"{ReliabilityOptions.SectionName}:Dependencies:{Dependency}.",
                e)
            { Dependency = Dependency };
        }
    }

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

        var current = await TryCallAsync(ct => bucket.TryGetEntryAsync<T>(key, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        return current.Success && isOwn(current.Value.Value) ? current.Value.Revision : result;
    }
}
