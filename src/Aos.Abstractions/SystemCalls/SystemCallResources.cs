namespace Aos.SystemCalls;

/// <summary>
/// Names what a messaging system call acts on, the same way whichever door it came through (an agent's context, a workflow step, the
/// HTTP API), so that one policy rule covers the call everywhere.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description><c>agent:{id}</c>: the agent a message or request is sent to (<c>message.send</c>, <c>message.request</c>).</description></item>
/// <item><description><c>topic:{topic}</c>: the topic a message is published on (<c>message.publish</c>), or the pattern an agent subscribes to or
/// drops (<c>subscription.add</c>, <c>subscription.remove</c>).</description></item>
/// <item><description><c>agents:{prefix}*</c>: the agents a broadcast reaches (<c>message.broadcast</c>).</description></item>
/// </list>
/// Other calls name their resource by what they change: a store's path for <c>storage.*</c>, the route's path (without <c>/v1/</c>)
/// for the HTTP API's administrative calls.
/// </remarks>
public static class SystemCallResources
{
    /// <summary>Names an agent that a message or request is sent to.</summary>
    /// <param name="agentId">The agent's id.</param>
    /// <returns><c>agent:{id}</c>.</returns>
    public static string Agent(string agentId) => "agent:" + agentId;

    /// <summary>Names a topic a message is published on, or a topic pattern a subscription is for.</summary>
    /// <param name="topicOrPattern">The topic or pattern.</param>
    /// <returns><c>topic:{topic}</c>.</returns>
    public static string Topic(string topicOrPattern) => "topic:" + topicOrPattern;

    /// <summary>Names the agents a broadcast reaches: those whose id starts with a prefix.</summary>
    /// <param name="idPrefix">The prefix; empty for every agent of the tenant.</param>
    /// <returns><c>agents:{prefix}*</c>.</returns>
    public static string Broadcast(string idPrefix) => "agents:" + idPrefix + "*";
}
