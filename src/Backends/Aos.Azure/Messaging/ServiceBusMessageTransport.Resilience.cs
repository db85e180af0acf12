using Aos.Reliability;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Aos.Azure.Messaging;

public sealed partial class ServiceBusMessageTransport
{
    /// <summary>Gets the name of the Service Bus transport in the reliability service's options and pipelines.</summary>
    public const string Dependency = "transport:servicebus";

    /// <summary>Runs one Service Bus call through the <c>transport:servicebus</c> pipeline: a transient failure is retried, the circuit breaker counts it.</summary>
    /// <remarks>
    /// The call must be safe to repeat: a send carries a message id that the queue's duplicate detection drops a repeat of; creating the
    /// queue tolerates its existing; a settlement repeated after its first attempt took effect fails with a lost lock, which is not retried.
    /// </remarks>
    /// <exception cref="DependencyUnavailableException">Service Bus could not be reached or did not answer after the retries, or the circuit is open.</exception>
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
                $"Azure Service Bus queue '{QueueName}' is not being called for now: the circuit breaker of {Dependency} opened after repeated transient failures. "
                + $"Check that the namespace in {ServiceBusMessageTransportOptions.SectionName}:ServiceBusConnectionString is reachable from this host. "
                + $"Retry after {Math.Ceiling(refusal.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)} s.",
                e)
            { Dependency = Dependency, RetryAfter = refusal.RetryAfter, CircuitOpen = true };
        }
        catch (Exception e) when (e is TimeoutRejectedException || (!cancellationToken.IsCancellationRequested && _pipelines.Classify(e, Dependency) == ErrorClass.Transient))
        {
            throw new DependencyUnavailableException(
                $"Azure Service Bus queue '{QueueName}' could not be reached or did not answer after retries ({e.Message.TrimEnd('.')}; dependency {Dependency}). "
                + $"Check that the namespace in {ServiceBusMessageTransportOptions.SectionName}:ServiceBusConnectionString is reachable from this host; retries are set at "
                + $"{ReliabilityOptions.SectionName}:Dependencies:{Dependency}.",
                e)
            { Dependency = Dependency };
        }
    }

    private ValueTask CallAsync(Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        new(CallAsync(
            async token =>
            {
                await call(token).ConfigureAwait(false);
                return true;
            },
            cancellationToken).AsTask());
}
