using Aos.Agents;

namespace Aos.Kernel.Agents.BuiltIn;

/// <summary>Serves as the generic purpose-driven agent: context values, goals and decisions through system messages.</summary>
[AgentType("purpose", Description = "A purpose-driven agent: handles aos.context.set, aos.goal.add, aos.goal.update and aos.decision.record; records every event.")]
internal sealed class PurposeAgent : PurposeDrivenAgent;
