using Aos.Messaging;
using Aos.Storage;
using Aos.SystemCalls;

namespace Aos.Kernel.Agents;

internal sealed partial class AgentRuntimeContext
{
    /// <summary>Describes one of the agent's system calls; <paramref name="authorize"/> is the grant check the pipeline's authorization stage runs.</summary>
    internal SystemCall Call(string action, string resource, Envelope? message, Action? authorize) => new()
    {
        Action = action,
        Resource = resource,
        Tenant = Descriptor.Tenant,
        Actor = "agent:" + Descriptor.Id.Value,
        Agent = Descriptor.Id.Value,
        Payload = message?.Payload,
        Priority = message?.Priority ?? MessagePriority.Normal,
        Id = message?.Id,
        Authorizer = authorize is null ? null : new GrantCheck(authorize),
    };

    internal ISystemCallInvoker Invoker => _invoker;

    /// <summary>Runs a store operation as a system call; one on the agent's own store records the store first (<see cref="AgentStoreIndex"/>).</summary>
    internal ValueTask<T> InvokeStoreAsync<T>(SystemCall call, StoreKind kind, string? ownStore, Func<SystemCall, CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken) =>
        _storeRecorder is not { } recorder || ownStore is null
            ? _invoker.InvokeAsync(call, operation, cancellationToken)
            : _invoker.InvokeAsync(call, async (c, ct) =>
            {
                await recorder.EnsureAsync(kind, ownStore, ct).ConfigureAwait(false);
                return await operation(c, ct).ConfigureAwait(false);
            }, cancellationToken);

    /// <inheritdoc cref="InvokeStoreAsync{T}"/>
    internal ValueTask InvokeStoreAsync(SystemCall call, StoreKind kind, string? ownStore, Func<SystemCall, CancellationToken, ValueTask> operation, CancellationToken cancellationToken) =>
        _storeRecorder is not { } recorder || ownStore is null
            ? _invoker.InvokeAsync(call, operation, cancellationToken)
            : _invoker.InvokeAsync(call, async (c, ct) =>
            {
                await recorder.EnsureAsync(kind, ownStore, ct).ConfigureAwait(false);
                await operation(c, ct).ConfigureAwait(false);
            }, cancellationToken);

    /// <summary>Checks the agent's grants as they stand when the call passes the pipeline.</summary>
    private sealed class GrantCheck(Action check) : ISystemCallAuthorizer
    {
        public void Authorize(SystemCall systemCall) => check();
    }
}
