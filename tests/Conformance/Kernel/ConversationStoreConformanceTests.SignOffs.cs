using Aos.Conversations;

namespace Aos.Conformance.Kernel;

public abstract partial class ConversationStoreConformanceTests
{
    [Fact]
    public async Task RequireRolesAsync_NewId_CreatesTheConversationWithTrimmedRoles()
    {
        var conversation = await Store.RequireRolesAsync("review-1", [" reviewer ", "approver"], Ct);

        Assert.Equal(["reviewer", "approver"], conversation.RequiredRoles);
        Assert.Equal(Conversation.Open, conversation.Status);
        Assert.Equal(Time.GetUtcNow(), conversation.CreatedAt);
        Assert.Equal(["reviewer", "approver"], (await Store.GetAsync("review-1", 10, Ct))!.RequiredRoles);
    }

    [Fact]
    public async Task RequireRolesAsync_BeforeAnySignOff_ReplacesTheRoles()
    {
        await Store.RecordAsync([(Message("m1", "c1"), [AgentId.Parse("alice")])], Ct);
        await Store.RequireRolesAsync("c1", ["reviewer"], Ct);

        var conversation = await Store.RequireRolesAsync("c1", ["approver"], Ct);

        Assert.Equal(["approver"], conversation.RequiredRoles);
        Assert.Equal(["alice"], conversation.Participants);
    }

    [Theory]
    [InlineData("")]
    [InlineData("reviewer| ")]
    [InlineData("reviewer|reviewer")]
    public async Task RequireRolesAsync_InvalidRoles_ThrowsValidationAndCreatesNothing(string roles)
    {
        string[] list = roles.Length == 0 ? [] : roles.Split('|');

        var error = await Assert.ThrowsAsync<AosValidationException>(async () => await Store.RequireRolesAsync("c1", list, Ct));

        Assert.Equal("requiredRoles", error.Field);
        Assert.Null(await Store.GetAsync("c1", 10, Ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public async Task RequireRolesAsync_InvalidId_ThrowsValidation(string id)
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(async () => await Store.RequireRolesAsync(id, ["reviewer"], Ct));

        Assert.Equal("id", error.Field);
    }

    [Fact]
    public async Task RequireRolesAsync_AfterASignOff_ThrowsValidationAndChangesNothing()
    {
        await Store.RequireRolesAsync("c1", ["reviewer", "approver"], Ct);
        await Store.SignOffAsync("c1", "reviewer", "bob", Ct);

        await Assert.ThrowsAsync<AosValidationException>(async () => await Store.RequireRolesAsync("c1", ["other"], Ct));

        Assert.Equal(["reviewer", "approver"], (await Store.GetAsync("c1", 10, Ct))!.RequiredRoles);
    }

    [Fact]
    public async Task SignOffAsync_EveryRequiredRole_CompletesTheConversation()
    {
        await Store.RequireRolesAsync("c1", ["reviewer", "approver"], Ct);
        Time.Advance(TimeSpan.FromMinutes(1));

        var partly = await Store.SignOffAsync("c1", "approver", "carol", Ct);
        Time.Advance(TimeSpan.FromMinutes(1));
        var done = await Store.SignOffAsync("c1", "reviewer", "bob", Ct);

        Assert.Equal(Conversation.Open, partly.Status);
        Assert.Equal(Conversation.Completed, done.Status);
        Assert.Equal([("approver", "carol"), ("reviewer", "bob")], done.SignOffs.Select(s => (s.Role, s.By)));
        Assert.Equal(Time.GetUtcNow(), done.SignOffs[1].At);
        Assert.Equal(Time.GetUtcNow(), done.UpdatedAt);
        var stored = (await Store.GetAsync("c1", 10, Ct))!;
        Assert.Equal(Conversation.Completed, stored.Status);
        Assert.Equal(done.SignOffs, stored.SignOffs);
    }

    [Fact]
    public async Task SignOffAsync_UnknownConversation_ThrowsNotFound()
    {
        await Assert.ThrowsAsync<ConversationNotFoundException>(async () => await Store.SignOffAsync("nothing", "reviewer", "bob", Ct));
    }

    [Fact]
    public async Task SignOffAsync_RoleNotRequiredOrSignedTwice_ThrowsValidationAndChangesNothing()
    {
        await Store.RequireRolesAsync("c1", ["reviewer", "approver"], Ct);
        await Store.SignOffAsync("c1", "reviewer", "bob", Ct);

        var twice = await Assert.ThrowsAsync<AosValidationException>(async () => await Store.SignOffAsync("c1", "reviewer", "carol", Ct));
        var other = await Assert.ThrowsAsync<AosValidationException>(async () => await Store.SignOffAsync("c1", "janitor", "carol", Ct));

        Assert.Equal(("role", "role"), (twice.Field, other.Field));
        Assert.Equal(["bob"], (await Store.GetAsync("c1", 10, Ct))!.SignOffs.Select(s => s.By));
    }

    [Theory]
    [InlineData("", "bob", "role")]
    [InlineData("reviewer", " ", "by")]
    public async Task SignOffAsync_MissingRoleOrSigner_ThrowsValidation(string role, string by, string field)
    {
        var error = await Assert.ThrowsAsync<AosValidationException>(async () => await Store.SignOffAsync("c1", role, by, Ct));

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public async Task RecordAsync_ByTwoNodesAtOnceIntoOneConversation_KeepsEveryMessageWithDistinctSequences()
    {
        var other = await OpenAsync();

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            (i % 2 == 0 ? Store : other).RecordAsync(
                [(Message($"m{i:D2}", "shared", source: $"sender-{i:D2}"), (IReadOnlyList<AgentId>)[AgentId.Parse("alice")]), (Message($"x{i:D2}", $"own-{i:D2}"), [])],
                Ct).AsTask()));

        var conversation = (await Store.GetAsync("shared", 100, Ct))!;
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), conversation.Messages.Select(m => m.Sequence));
        Assert.Equal(40, conversation.Messages.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(41, conversation.Participants.Count);
        Assert.Equal(41, await CountRowsAsync("conversations"));
    }

    [Fact]
    public async Task SignOffAsync_SameRoleByTwoNodesAtOnce_ExactlyOneSigns()
    {
        var other = await OpenAsync();
        await Store.RequireRolesAsync("c1", ["approver", "reviewer"], Ct);

        var results = await Task.WhenAll(
            Attempt(Store.SignOffAsync("c1", "approver", "bob", Ct)),
            Attempt(other.SignOffAsync("c1", "approver", "carol", Ct)));

        Assert.Single(results, signed => signed);
        Assert.Single((await Store.GetAsync("c1", 10, Ct))!.SignOffs);

        static async Task<bool> Attempt(ValueTask<Conversation> signOff)
        {
            try
            {
                await signOff;
                return true;
            }
            catch (AosValidationException)
            {
                return false;
            }
        }
    }
}
