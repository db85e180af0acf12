using System.Security.Cryptography;
using System.Text;
using Aos.Nats.Messaging;

namespace Aos.Nats.Tests.Messaging;

/// <summary>The ledger's keys must never change: a node finds the entries its earlier runs wrote by them.</summary>
public sealed class NatsLedgerKeyTests
{
    [Theory]
    [InlineData("m1", "agent-1")]
    [InlineData("01JDZ3Q7X9V2", "finance/ledger-bot")]
    [InlineData("é ü 漢字 🙂", "r")]
    public void KeyOf_IsTheTruncatedSha256OfIdAndRecipient_InLowerCaseHex(string id, string recipient)
    {
        var expected = "m." + Hex(id, 32) + "." + Hex(recipient, 16);

        Assert.Equal(expected, NatsMessageTransport.KeyOf(id, recipient));
        Assert.Equal("m." + Hex(id, 32) + ".", NatsMessageTransport.KeyPrefixOf(id));
    }

    [Fact]
    public void KeyOf_LongIdAndRecipient_HashesAllOfThem()
    {
        var id = new string('x', 5000) + "1";
        var recipient = new string('é', 3000);

        Assert.Equal("m." + Hex(id, 32) + "." + Hex(recipient, 16), NatsMessageTransport.KeyOf(id, recipient));
        Assert.NotEqual(NatsMessageTransport.KeyOf(id, recipient), NatsMessageTransport.KeyOf(id[..^1] + "2", recipient));
    }

    private static string Hex(string value, int bytes) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)), 0, bytes).ToLowerInvariant();
}
