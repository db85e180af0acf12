using Aos.Reliability;

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
    private ValueTask<T> CallAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken) =>
        _pipelines.ExecuteAsync(
            Dependency,
            call,
            $"Azure Service Bus queue '{QueueName}'",
            $"Check that the namespace in {ServiceBusMessageTransportOptions.SectionName}:ServiceBusConnectionString is reachable from this host.",
            cancellationToken);

    private ValueTask CallAsync(Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        new(CallAsync(
            async token =>
            {
                await call(token).ConfigureAwait(false);
                return true;
            },
            cancellationToken).AsTask());
}
