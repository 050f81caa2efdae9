using Cumin.Primitives;
using Cumin.Users;

namespace Cumin.Grains.Tests;

[Collection(GrainClusterCollection.Name)]
public sealed class UserGrainTests(GrainCluster fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Concurrent_registrations_of_one_address_create_one_user()
    {
        var email = $"race-{Guid.NewGuid():N}@example.com";
        var grain = Grains.GetGrain<IEmailGrain>(UserLimits.NormalizeEmail(email));
        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => grain.Register($"Racer {i}", email, "correct horse")));

        Assert.Equal(1, replies.Count(r => r.IsOk));
        Assert.Equal(19, replies.Count(r => r.Outcome == Outcome.Conflict));
        Assert.Equal(replies.Single(r => r.IsOk).Value!.Id, await grain.GetUserId());
    }

    [Fact]
    public async Task Passwords_are_stored_hashed_and_checked()
    {
        var user = await Grains.RegisterAsync();
        var email = Grains.GetGrain<IEmailGrain>(UserLimits.NormalizeEmail(user.Email));
        Assert.True((await email.SignIn("correct horse")).IsOk);
        Assert.Equal(Outcome.Unauthorized, (await email.SignIn("wrong horse")).Outcome);
        Assert.Equal(Outcome.Unauthorized, (await Grains.GetGrain<IEmailGrain>($"nobody-{Guid.NewGuid():N}@example.com").SignIn("correct horse")).Outcome);

        using var dynamo = Cumin.Testing.LocalStack.DynamoDb();
        var item = (await dynamo.GetItemAsync(new Amazon.DynamoDBv2.Model.GetItemRequest
        {
            TableName = fixture.Prefix + "users",
            Key = new() { ["pk"] = new Amazon.DynamoDBv2.Model.AttributeValue { S = user.Id } },
            ConsistentRead = true,
        })).Item;
        Assert.DoesNotContain("correct horse", item["passwordHash"].S, StringComparison.Ordinal);
        Assert.True(item["passwordHash"].S.Length > 40);
    }

    [Fact]
    public async Task Refresh_rotates_and_reuse_revokes_the_family()
    {
        var user = await Grains.RegisterAsync();
        var grain = Grains.GetGrain<IUserGrain>(user.Id);
        var first = (await grain.SignIn("correct horse")).Value!;
        Assert.True(RefreshToken.TryParse(first.RefreshToken, out var t1));
        var second = (await grain.Refresh(t1.Value.FamilyId, t1.Value.Secret)).Value!;
        Assert.True(RefreshToken.TryParse(second.RefreshToken, out var t2));
        Assert.Equal(t1.Value.FamilyId, t2.Value.FamilyId);
        Assert.NotEqual(t1.Value.Secret, t2.Value.Secret);

        var other = (await grain.SignIn("correct horse")).Value!;
        Assert.True(RefreshToken.TryParse(other.RefreshToken, out var otherToken));

        Assert.Equal(Outcome.Unauthorized, (await grain.Refresh(t1.Value.FamilyId, t1.Value.Secret)).Outcome);
        Assert.Equal(Outcome.Unauthorized, (await grain.Refresh(t2.Value.FamilyId, t2.Value.Secret)).Outcome);
        Assert.True((await grain.Refresh(otherToken.Value.FamilyId, otherToken.Value.Secret)).IsOk);
    }

    [Fact]
    public async Task Refresh_tokens_expire_after_their_lifetime()
    {
        var user = await Grains.RegisterAsync();
        var grain = Grains.GetGrain<IUserGrain>(user.Id);
        var signIn = (await grain.SignIn("correct horse")).Value!;
        Assert.True(RefreshToken.TryParse(signIn.RefreshToken, out var token));
        Assert.Equal(TimeSpan.FromDays(7), signIn.RefreshExpiresAt - fixture.Clock.GetUtcNow());

        fixture.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        Assert.Equal(Outcome.Unauthorized, (await grain.Refresh(token.Value.FamilyId, token.Value.Secret)).Outcome);
    }

    [Fact]
    public async Task Sign_out_revokes_only_that_family()
    {
        var user = await Grains.RegisterAsync();
        var grain = Grains.GetGrain<IUserGrain>(user.Id);
        Assert.True(RefreshToken.TryParse((await grain.SignIn("correct horse")).Value!.RefreshToken, out var a));
        Assert.True(RefreshToken.TryParse((await grain.SignIn("correct horse")).Value!.RefreshToken, out var b));

        Assert.True((await grain.SignOut(a.Value.FamilyId, a.Value.Secret, everywhere: false)).IsOk);
        Assert.Equal(Outcome.Unauthorized, (await grain.Refresh(a.Value.FamilyId, a.Value.Secret)).Outcome);
        Assert.True((await grain.Refresh(b.Value.FamilyId, b.Value.Secret)).IsOk);
        Assert.Equal(Outcome.Unauthorized, (await grain.SignOut(b.Value.FamilyId, "not-the-secret", everywhere: false)).Outcome);
    }
}
