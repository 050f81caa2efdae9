using System.Buffers.Binary;
using Amazon.DynamoDBv2.Model;
using Cumin.Grains.Users;
using Cumin.Primitives;
using Cumin.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Cumin.Grains.Tests;

/// <summary>Issue 12, findings 12 and 15 in the user grain: the 30-day session, logout everywhere, reuse detection, rehashing.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class SessionTests(GrainCluster fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task Refreshing_never_extends_a_session_past_30_days_from_its_login()
    {
        var user = await Grains.RegisterAsync();
        var grain = Grains.GetGrain<IUserGrain>(user.Id);
        var signIn = (await grain.SignIn("correct horse")).Value!;
        var loggedInAt = fixture.Clock.GetUtcNow();
        var token = signIn.RefreshToken;

        // Refreshed every 6 days, well inside the 7-day idle lifetime, the session still ends on day 30.
        DateTimeOffset expiresAt = default;
        for (var day = 6; day < 30; day += 6)
        {
            fixture.Clock.Advance(TimeSpan.FromDays(6));
            var refreshed = await Refresh(grain, token);
            Assert.True(refreshed.IsOk, $"day {day}: {refreshed.Detail}");
            token = refreshed.Value!.RefreshToken;
            expiresAt = refreshed.Value.RefreshExpiresAt;
        }

        // The refresh on day 24 got a token for 6 days, not 7.
        Assert.Equal(loggedInAt + TimeSpan.FromDays(30), expiresAt);
        fixture.Clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(Outcome.Unauthorized, (await Refresh(grain, token)).Outcome);
    }

    [Fact]
    public async Task A_spent_token_revokes_its_family_however_many_refreshes_came_after_it()
    {
        var user = await Grains.RegisterAsync();
        var grain = Grains.GetGrain<IUserGrain>(user.Id);
        var first = (await grain.SignIn("correct horse")).Value!.RefreshToken;
        var latest = first;
        for (var i = 0; i < 50; i++)
        {
            latest = (await Refresh(grain, latest)).Value!.RefreshToken;
        }

        var reuse = await Refresh(grain, first);
        Assert.Equal(Outcome.Unauthorized, reuse.Outcome);
        Assert.Contains("reused", reuse.Detail, StringComparison.Ordinal);
        Assert.Equal(Outcome.Unauthorized, (await Refresh(grain, latest)).Outcome);
    }

    [Fact]
    public async Task Sign_out_everywhere_revokes_every_family_of_the_user()
    {
        var user = await Grains.RegisterAsync();
        var grain = Grains.GetGrain<IUserGrain>(user.Id);
        var tokens = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            tokens.Add((await grain.SignIn("correct horse")).Value!.RefreshToken);
        }

        Assert.True(RefreshToken.TryParse(tokens[1], out var middle));
        Assert.True((await grain.SignOut(middle.Value.FamilyId, middle.Value.Secret, everywhere: true)).IsOk);
        foreach (var token in tokens)
        {
            Assert.Equal(Outcome.Unauthorized, (await Refresh(grain, token)).Outcome);
        }

        Assert.True((await Refresh(grain, (await grain.SignIn("correct horse")).Value!.RefreshToken)).IsOk);
    }

    [Fact]
    public async Task Family_ids_are_random_not_time_ordered()
    {
        var user = await Grains.RegisterAsync();
        var grain = Grains.GetGrain<IUserGrain>(user.Id);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            Assert.True(RefreshToken.TryParse((await grain.SignIn("correct horse")).Value!.RefreshToken, out var token));
            ids.Add(token.Value.FamilyId);
        }

        // ULIDs made in one millisecond differ in their last character only; these share no long prefix.
        Assert.All(ids.Zip(ids.Skip(1)), pair => Assert.NotEqual(pair.First[..8], pair.Second[..8]));
    }

    [Fact]
    public async Task A_password_hashed_with_100000_iterations_is_rehashed_with_210000_at_the_next_login()
    {
        var user = await Grains.RegisterAsync();
        using var dynamo = Cumin.Testing.LocalStack.DynamoDb();
        Assert.Equal(210_000, await StoredIterationsAsync(dynamo, user.Id));

        // As an account created before the change: the same password, hashed as ASP.NET Core Identity's default did.
        var before = new PasswordHasher<UserState>(Options.Create(new PasswordHasherOptions { IterationCount = 100_000 }))
            .HashPassword(new UserState(), "correct horse");
        await dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = fixture.Prefix + "users",
            Key = new() { ["pk"] = new AttributeValue { S = user.Id } },
            UpdateExpression = "SET passwordHash = :hash",
            ExpressionAttributeValues = new() { [":hash"] = new AttributeValue { S = before } },
        });
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(100_000, await StoredIterationsAsync(dynamo, user.Id));

        Assert.Equal(Outcome.Unauthorized, (await Grains.GetGrain<IUserGrain>(user.Id).SignIn("wrong horse")).Outcome);
        Assert.Equal(100_000, await StoredIterationsAsync(dynamo, user.Id));
        Assert.True((await Grains.GetGrain<IUserGrain>(user.Id).SignIn("correct horse")).IsOk);
        Assert.Equal(210_000, await StoredIterationsAsync(dynamo, user.Id));
        Assert.True((await Grains.GetGrain<IUserGrain>(user.Id).SignIn("correct horse")).IsOk);
    }

    /// <summary>Identity's V3 format: 0x01, PRF (4 bytes, 2 = HMAC-SHA512), iteration count (4 bytes), salt length, salt, subkey.</summary>
    private async Task<int> StoredIterationsAsync(Amazon.DynamoDBv2.AmazonDynamoDBClient dynamo, string userId)
    {
        var item = (await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = fixture.Prefix + "users",
            Key = new() { ["pk"] = new AttributeValue { S = userId } },
            ConsistentRead = true,
        })).Item;
        var hash = Convert.FromBase64String(item["passwordHash"].S);
        Assert.Equal(0x01, hash[0]);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(1, 4)));
        return (int)BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(5, 4));
    }

    private static async Task<Reply<SignIn>> Refresh(IUserGrain grain, string token)
    {
        Assert.True(RefreshToken.TryParse(token, out var parsed));
        return await grain.Refresh(parsed.Value.FamilyId, parsed.Value.Secret);
    }
}
