using Cumin.Exports;
using Cumin.Notifications;
using Cumin.Primitives;
using Cumin.Projects;

namespace Cumin.Users;

/// <summary>A user: profile, password hash, refresh-token families and the projects they belong to. Key: user id.</summary>
[Alias("cumin.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Called once by the e-mail grain that reserved the address.</summary>
    [Alias("initialize")]
    Task<Reply<UserProfile>> Initialize(string name, string email, string password);

    [Alias("profile"), ReadOnly]
    Task<UserProfile?> GetProfile();

    /// <summary>Checks the password and opens a new refresh-token family.</summary>
    [Alias("sign-in")]
    Task<Reply<SignIn>> SignIn(string password);

    /// <summary>Spends a refresh token for a new one of the same family; any other secret of the family (a spent token) revokes it.</summary>
    [Alias("refresh")]
    Task<Reply<SignIn>> Refresh(string familyId, string secret);

    /// <summary>Revokes the family of the user's current token, or with <paramref name="everywhere"/> every family of the user.</summary>
    [Alias("sign-out")]
    Task<Reply<bool>> SignOut(string familyId, string secret, bool everywhere);

    [Alias("create-project")]
    Task<Reply<ProjectView>> CreateProject(ProjectDraft draft);

    [Alias("project-ids"), ReadOnly]
    Task<IReadOnlyList<string>> GetProjectIds();

    /// <summary>Lists a project the user was added to; LimitReached at <see cref="UserLimits.ProjectsMax"/> projects.</summary>
    [Alias("join")]
    Task<Reply<bool>> JoinProject(string projectId);

    [Alias("leave")]
    Task LeaveProject(string projectId);

    /// <summary>Starts an export of a project the user is a member of (any role); NotFound otherwise.</summary>
    [Alias("start-export")]
    Task<Reply<ExportView>> StartExport(string projectId);

    /// <summary>The user's exports, newest first (at most <see cref="ExportLimits.ListMax"/>).</summary>
    [Alias("exports"), ReadOnly]
    Task<IReadOnlyList<ExportView>> ListExports();

    /// <summary>The newest <paramref name="limit"/> notifications, newest first.</summary>
    [Alias("notifications"), ReadOnly]
    Task<IReadOnlyList<UserNotification>> GetNotifications(int limit);

    /// <summary>Subscribes an API host's observer, or renews its subscription; it lapses after <see cref="NotificationLimits.ObserverLifetime"/>.</summary>
    [Alias("subscribe")]
    Task Subscribe(INotificationObserver observer);

    [Alias("unsubscribe")]
    Task Unsubscribe(INotificationObserver observer);
}

/// <summary>Reserves one normalised e-mail address for one user, so registrations race safely. Key: normalised e-mail.</summary>
[Alias("cumin.IEmailGrain")]
public interface IEmailGrain : IGrainWithStringKey
{
    [Alias("register")]
    Task<Reply<UserProfile>> Register(string name, string email, string password);

    /// <summary>Same <see cref="Outcome.Unauthorized"/> for an unknown address and a wrong password.</summary>
    [Alias("sign-in")]
    Task<Reply<SignIn>> SignIn(string password);

    [Alias("user-id"), ReadOnly]
    Task<string?> GetUserId();
}
