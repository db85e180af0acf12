using Aos.Messaging;

namespace Aos.Nats.Messaging;

/// <summary>Configures the NATS JetStream message transport: where the server is and how its bucket is named.</summary>
/// <remarks>
/// The transport keeps each message, envelope and status, in the key-value bucket <c>{StreamPrefix}_LEDGER</c> on file storage. Where an
/// earlier version left the stream <c>{StreamPrefix}_MESSAGES</c> (it kept the envelopes there), the transport reads it; it never creates it.
/// Retries, expiry and inbox capacity come from
/// <see cref="MessageBusOptions"/>. Bound from <c>Aos:Nats:Transport</c>.
/// </remarks>
public sealed class NatsMessageTransportOptions
{
    /// <summary>Gets the configuration section the options are bound from.</summary>
    public const string SectionName = "Aos:Nats:Transport";

    /// <summary>Gets or sets the URL of the NATS server, with JetStream enabled.</summary>
    /// <value>The default is <c>nats://127.0.0.1:4222</c>.</value>
    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>Gets or sets the prefix of the bucket's name (and of the stream an earlier version may have left): letters, digits, <c>_</c> and <c>-</c>.</summary>
    /// <remarks>Exactly one running transport may use a prefix at a time: give each node its own prefix.</remarks>
    /// <value>The default is <c>AOS</c>.</value>
    public string StreamPrefix { get; set; } = "AOS";

    /// <summary>Gets or sets how many copies of the bucket a JetStream cluster keeps.</summary>
    /// <value>The default is 1; use 3 on a three-server cluster.</value>
    public int Replicas { get; set; } = 1;

    /// <summary>Gets or sets the name of the cluster whose nodes take over each other's messages, or <see langword="null"/> for a node on its own.</summary>
    /// <remarks>
    /// Each node of a cluster holds a lease, the key <c>{StreamPrefix}</c> of the bucket <c>{Cluster}_NODES</c>, and renews it every third of
    /// <see cref="LeaseTimeout"/>. When a node's lease goes unrenewed for <see cref="LeaseTimeout"/> (the node was killed, or shut down for
    /// good), another node claims it and moves every message of the lost node's stream and ledger into its own: pending messages are
    /// delivered from there, dead letters are listed and replayed there, and status reads through any node find them. Letters, digits,
    /// <c>_</c> and <c>-</c>; <c>aos up</c> in a cluster uses <c>Aos:ClusterId</c> unless this is set.
    /// </remarks>
    /// <value>The default is <see langword="null"/>: nothing is shared, and a node's messages wait for it.</value>
    public string? Cluster { get; set; }

    /// <summary>Gets or sets how long a node's lease may go unrenewed before another node of the <see cref="Cluster"/> takes over its messages.</summary>
    /// <remarks>
    /// Every node measures this on its own clock, from the moment it first saw the lease's current revision, so clocks need not agree.
    /// Shorter moves a lost node's messages sooner; it must be well above the longest pause of a live node (a restart, a long GC), although a
    /// node taken over while alive loses nothing: it takes its lease back at its next renewal, and the receivers' de-duplication absorbs
    /// a message handed out by both.
    /// </remarks>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the name of the key-value bucket of the <see cref="Cluster"/>'s leases, or <see langword="null"/> outside a cluster.</summary>
    public string? NodesBucketName => Cluster is null ? null : Cluster + "_NODES";

    /// <summary>Gets or sets the client name the connection reports to the server, shown by its monitoring.</summary>
    /// <value>The default is <c>aos</c>.</value>
    public string ClientName { get; set; } = "aos";

    /// <summary>Checks the options and lists what is wrong, naming each option.</summary>
    /// <returns>The problems; empty when the options are valid.</returns>
    public IEnumerable<string> Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("nats" or "tls" or "ws" or "wss"))
        {
            yield return $"Aos:Nats:Transport:Url is '{Url}'; use a NATS URL such as 'nats://127.0.0.1:4222'.";
        }

        if (string.IsNullOrEmpty(StreamPrefix) || StreamPrefix.Length > 64 || !StreamPrefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            yield return $"Aos:Nats:Transport:StreamPrefix is '{StreamPrefix}'; use 1 to 64 letters, digits, '_' or '-'.";
        }

        if (Replicas is < 1 or > 5)
        {
            yield return $"Aos:Nats:Transport:Replicas is {Replicas}; use 1 to 5.";
        }

        if (Cluster is not null && (Cluster.Length is 0 or > 64 || !Cluster.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            yield return $"Aos:Nats:Transport:Cluster is '{Cluster}'; use 1 to 64 letters, digits, '_' or '-', or leave it unset for a node on its own.";
        }

        if (LeaseTimeout <= TimeSpan.Zero)
        {
            yield return $"Aos:Nats:Transport:LeaseTimeout is {LeaseTimeout}; it must be positive (the default is 00:00:30).";
        }

        if (string.IsNullOrWhiteSpace(ClientName))
        {
            yield return "Aos:Nats:Transport:ClientName must not be empty.";
        }
    }
}
