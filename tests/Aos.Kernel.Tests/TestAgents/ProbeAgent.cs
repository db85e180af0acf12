using Aos.Agents;
using Aos.Messaging;

namespace Aos.Kernel.Tests.TestAgents;

/// <summary>Handles <c>ping</c> events; registered only by the diagnostics tests, so its type tags their measurements alone.</summary>
[AgentType(TypeName)]
internal sealed class ProbeAgent : Agent
{
    public const string TypeName = "test-probe";

    public ProbeAgent() => On<Envelope>("ping", (_, _) => ValueTask.CompletedTask);
}
