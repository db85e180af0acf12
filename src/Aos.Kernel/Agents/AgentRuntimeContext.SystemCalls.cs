using Aos.Messaging;
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

    /// <summary>Checks the agent's grants as they stand when the call passes the pipeline.</summary>
    private sealed class GrantCheck(Action check) : ISystemCallAuthorizer
    {
        public void Authorize(SystemCall systemCall) => check();
    }
}
