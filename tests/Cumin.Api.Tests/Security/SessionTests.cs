using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Cumin.Api.Tests.Security;

/// <summary>
/// Issue 12, findings 4, 15 and 18 at the HTTP edge: logout everywhere, reuse detection that refreshing cannot flush,
/// hub connections that end with their access token, and a cap on one user's hub connections.
/// </summary>
[Collection(ApiEdgeCollection.Name)]
public sealed class SessionTests(ApiFixture fixture)
{
    [Fact]
    public async Task Logout_everywhere_ends_every_session_of_the_user_and_only_theirs()
    {
        var user = await fixture.NewUserAsync("Traveller");
        var other = await fixture.NewUserAsync("Stayer");
        var client = fixture.Client();
        var phone = await LoginAsync(client, user.Email);
        var tablet = await LoginAsync(client, user.Email);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/auth/logout", new { refreshToken = phone, everywhere = true })).StatusCode);

        foreach (var token in new[] { user.RefreshToken, phone, tablet })
        {
            await HttpAssert.ProblemAsync(await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = token }), HttpStatusCode.Unauthorized);
        }

        await HttpAssert.OkAsync(await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = other.RefreshToken }));
        // Signing in again opens a new session.
        await HttpAssert.OkAsync(await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = await LoginAsync(client, user.Email) }));
    }

    [Fact]
    public async Task A_stolen_refresh_token_is_caught_however_many_times_the_thief_refreshed_first()
    {
        var victim = await fixture.NewUserAsync("Victim");
        var client = fixture.Client();

        // The thief copies the victim's token and refreshes 25 times (more than any list of spent tokens could hold).
        var thiefs = victim.RefreshToken;
        for (var i = 0; i < 25; i++)
        {
            thiefs = (await HttpAssert.OkAsync(await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = thiefs }))).GetProperty("refreshToken").GetString()!;
        }

        // The victim's client presents its token: reuse, and the thief's newest token dies with the family.
        var reused = await HttpAssert.ProblemAsync(await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = victim.RefreshToken }), HttpStatusCode.Unauthorized);
        Assert.Contains("reused", reused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await HttpAssert.ProblemAsync(await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = thiefs }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_everywhere_needs_the_sessions_current_token()
    {
        var user = await fixture.NewUserAsync("Careful");
        var client = fixture.Client();
        var other = await LoginAsync(client, user.Email);
        var parts = user.RefreshToken.Split('.');
        var forged = $"{parts[0]}.{parts[1]}.{new string('A', 43)}";

        await HttpAssert.ProblemAsync(await client.PostAsJsonAsync("/auth/logout", new { refreshToken = forged, everywhere = true }), HttpStatusCode.Unauthorized);
        // The other session lives on (the presented family died as a copied token would make it).
        await HttpAssert.OkAsync(await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = other }));
    }

    [Fact]
    public async Task A_hub_connection_is_closed_when_its_access_token_expires()
    {
        var user = await fixture.NewUserAsync("Listener");
        await using var shortLived = fixture.Api.WithSettings(new Dictionary<string, string?> { ["Cumin:Auth:AccessTokenLifetime"] = "00:00:04" });
        var login = await HttpAssert.OkAsync(await shortLived.Client().PostAsJsonAsync("/auth/login", new { email = user.Email, password = "correct horse battery" }));
        Assert.Equal(4, login.GetProperty("expiresIn").GetInt32());

        var closed = new TaskCompletionSource<DateTime>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var expiring = Hub(shortLived.BaseAddress, login.GetProperty("accessToken").GetString()!);
        expiring.Closed += _ =>
        {
            closed.TrySetResult(DateTime.UtcNow);
            return Task.CompletedTask;
        };
        // A connection whose token lives 15 minutes, on the same instance, for comparison.
        await using var lasting = Hub(shortLived.BaseAddress, user.AccessToken);
        var opened = DateTime.UtcNow;
        await expiring.StartAsync();
        await lasting.StartAsync();

        var at = await closed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(at - opened > TimeSpan.FromSeconds(2), $"closed after {(at - opened).TotalSeconds:F1} s, before its token expired");
        Assert.Equal(HubConnectionState.Connected, lasting.State);
    }

    [Fact]
    public async Task A_revoked_sessions_hub_connections_close_at_once_and_the_users_other_sessions_stay()
    {
        var user = await fixture.NewUserAsync("Revoker");
        var client = fixture.Client();
        var laptop = await HttpAssert.OkAsync(await client.PostAsJsonAsync("/auth/login", new { email = user.Email, password = "correct horse battery" }));
        var phone = await HttpAssert.OkAsync(await client.PostAsJsonAsync("/auth/login", new { email = user.Email, password = "correct horse battery" }));
        await using var laptopHub = Hub(fixture.Api.BaseAddress, laptop.GetProperty("accessToken").GetString()!);
        await using var phoneHub = Hub(fixture.Api.BaseAddress, phone.GetProperty("accessToken").GetString()!);
        var laptopClosed = ClosedSignal(laptopHub);
        var phoneClosed = ClosedSignal(phoneHub);
        await laptopHub.StartAsync();
        await phoneHub.StartAsync();

        // Logout: the access token of that session would still be valid for 15 minutes; its hub connection ends now.
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/auth/logout", new { refreshToken = laptop.GetProperty("refreshToken").GetString() })).StatusCode);
        await laptopClosed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HubConnectionState.Connected, phoneHub.State);

        // Reuse of a spent token revokes the phone's session: its connection ends too.
        var spent = phone.GetProperty("refreshToken").GetString();
        await HttpAssert.OkAsync(await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = spent }));
        await HttpAssert.ProblemAsync(await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = spent }), HttpStatusCode.Unauthorized);
        await phoneClosed.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task One_user_cannot_open_more_hub_connections_than_the_cap()
    {
        var user = await fixture.NewUserAsync("Hoarder");
        var neighbour = await fixture.NewUserAsync("Neighbour");
        await using var capped = fixture.Api.WithSettings(new Dictionary<string, string?> { ["Cumin:Hub:MaxConnectionsPerUser"] = "2" });
        await using var first = Hub(capped.BaseAddress, user.AccessToken);
        await using var second = Hub(capped.BaseAddress, user.AccessToken);
        await first.StartAsync();
        await second.StartAsync();

        await using var third = Hub(capped.BaseAddress, user.AccessToken);
        await AssertRefusedAsync(third);
        Assert.Equal(HubConnectionState.Connected, first.State);
        Assert.Equal(HubConnectionState.Connected, second.State);

        // Another user is not affected, and a closed connection frees its place.
        await using var theirs = Hub(capped.BaseAddress, neighbour.AccessToken);
        await theirs.StartAsync();
        await first.StopAsync();
        await using var again = Hub(capped.BaseAddress, user.AccessToken);
        await again.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(HubConnectionState.Connected, again.State);
    }

    private static async Task AssertRefusedAsync(HubConnection connection)
    {
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        try
        {
            await connection.StartAsync();
        }
        catch (Exception)
        {
            return;
        }

        // The handshake may complete before the hub refuses: then the server closes it at once.
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    private static Task ClosedSignal(HubConnection connection)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }

    private static HubConnection Hub(Uri api, string accessToken) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(api, "/hubs/notifications"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
            })
            .Build();

    private static async Task<string> LoginAsync(HttpClient client, string email)
    {
        var login = await HttpAssert.OkAsync(await client.PostAsJsonAsync("/auth/login", new { email, password = "correct horse battery" }));
        return login.GetProperty("refreshToken").GetString()!;
    }
}
