import CGit2
import Foundation
import TrackbotCore

/// What the C callbacks share with Swift, passed through libgit2's payload pointer. Used by the
/// one thread that runs the remote operation.
final class CallbackState {
    let location: RemoteLocation
    let credentials: GitCredentials
    let progress: ProgressHandler?
    var credentialRequests = 0
    var offeredToken = false
    var authRequired = false
    var updates: [(name: String, old: ObjectID?, new: ObjectID?)] = []

    init(location: RemoteLocation, credentials: GitCredentials, progress: ProgressHandler?) {
        self.location = location
        self.credentials = credentials
        self.progress = progress
    }

    func acquire(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>,
        url: String, usernameFromURL: String?, allowed: UInt32
    ) -> Int32 {
        credentialRequests += 1
        // Tried once: a second request means the first answer was refused. Stop here, or
        // libgit2 asks again for ever.
        if credentialRequests > 1 { return GIT_EUSER.rawValue }
        let scheme = (try? RemoteLocation.classify(url).0) ?? location.scheme
        let host = RemoteLocation.host(of: url, scheme: scheme)
        if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0,
            let token = credentials.token(for: host), Self.mayCarryToken(scheme: scheme, host: host)
        {
            offeredToken = true
            return git_credential_userpass_plaintext_new(out, credentials.username, token.value)
        }
        if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
            return git_credential_ssh_key_from_agent(out, usernameFromURL ?? "git")
        }
        authRequired = true
        return GIT_PASSTHROUGH.rawValue
    }

    /// Tokens travel over https, or over http only to the loopback interface (test servers,
    /// local proxies); never in clear text across a network.
    static func mayCarryToken(scheme: RemoteLocation.Scheme, host: String?) -> Bool {
        if scheme == .https { return true }
        guard scheme == .http, let host else { return false }
        return URLAuthority.isLoopback(host: host)
    }
}

private let credentialCallback: git_credential_acquire_cb = { out, url, username, allowed, payload in
    guard let out, let payload else { return GIT_PASSTHROUGH.rawValue }
    let state = Unmanaged<CallbackState>.fromOpaque(payload).takeUnretainedValue()
    return state.acquire(
        out, url: url.map { String(cString: $0) } ?? state.location.effective,
        usernameFromURL: username.map { String(cString: $0) }, allowed: allowed)
}

/// Keeps libgit2's own certificate verdict (returning 0 would accept any certificate).
private let certificateCallback: git_transport_certificate_check_cb = { _, _, _, _ in
    GIT_PASSTHROUGH.rawValue
}

private let progressCallback: git_indexer_progress_cb = { stats, payload in
    guard let stats, let payload else { return 0 }
    let state = Unmanaged<CallbackState>.fromOpaque(payload).takeUnretainedValue()
    guard let progress = state.progress else { return 0 }
    let s = stats.pointee
    progress(
        TransferProgress(
            totalObjects: Int(s.total_objects), receivedObjects: Int(s.received_objects),
            indexedObjects: Int(s.indexed_objects), totalDeltas: Int(s.total_deltas),
            indexedDeltas: Int(s.indexed_deltas), receivedBytes: Int(s.received_bytes)))
    return 0
}

private let updateTipsCallback:
    @convention(c) (
        UnsafePointer<CChar>?, UnsafePointer<git_oid>?,
        UnsafePointer<git_oid>?, UnsafeMutableRawPointer?
    ) -> Int32 = { name, old, new, payload in
        guard let name, let payload else { return 0 }
        let state = Unmanaged<CallbackState>.fromOpaque(payload).takeUnretainedValue()
        func id(_ p: UnsafePointer<git_oid>?) -> ObjectID? {
            guard let p, git_oid_is_zero(p) == 0 else { return nil }
            return ObjectID(p.pointee)
        }
        state.updates.append((String(cString: name), id(old), id(new)))
        return 0
    }

/// One connection to a remote: list its refs, download objects, update the mirror's refs.
/// Lives on one thread for its whole life.
final class RemoteSession {
    let remote: OpaquePointer
    let state: CallbackState
    /// Bounds every network wait of this session; freed after the remote (and its streams).
    let watch: TransferWatch
    private var callbacks = git_remote_callbacks()

    /// A session for fetching into `repository`, or, without one, for listing refs only.
    init(
        location: RemoteLocation, repository: Repository?, credentials: GitCredentials,
        progress: ProgressHandler?, stallTimeout: Duration
    ) throws(MirrorError) {
        ensureLibgit2()
        state = CallbackState(location: location, credentials: credentials, progress: progress)
        watch = TransferWatch(timeout: stallTimeout)
        var options = git_remote_create_options()
        git_remote_create_options_init(&options, UInt32(GIT_REMOTE_CREATE_OPTIONS_VERSION))
        options.repository = repository?.pointer
        // The URL is final (policy checked, rewritten by trackbot): the mirror's own config gets no
        // say either (the user's and the system's are never read, see Libgit2.swift).
        options.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF.rawValue
        var remote: OpaquePointer?
        let code = git_remote_create_with_opts(&remote, location.effective, &options)
        guard code == 0, let remote else {
            let message = Redaction.scrub(lastGitError(code), secrets: credentials.secrets)
            if let repository {
                throw .repository(path: repository.directory.path, operation: "set up a fetch", message: message)
            }
            throw .fetchFailed(url: location.display, message: message)
        }
        self.remote = remote
        git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION))
        callbacks.credentials = credentialCallback
        callbacks.certificate_check = certificateCallback
        callbacks.transfer_progress = progressCallback
        callbacks.update_tips = updateTipsCallback
        callbacks.payload = Unmanaged.passUnretained(state).toOpaque()
    }

    deinit {
        // Closing a TLS stream still writes (close_notify): bounded like any other wait.
        watch.during {
            git_remote_disconnect(remote)
            git_remote_free(remote)
        }
    }

    /// The error for a failed network call, built from libgit2's message right away.
    private func failure(_ code: Int32) -> MirrorError {
        let message = Redaction.scrub(lastGitError(code), secrets: state.credentials.secrets)
        let url = state.location.display
        // What the socket stream saw comes first: over https, mbedTLS replaces its message.
        if watch.stalled {
            return .stalled(url: url, host: watch.host, seconds: watch.timeoutSeconds)
        }
        if let name = watch.unresolvedHost ?? Self.unresolvedHost(in: message) {
            return .hostNotResolved(url: url, host: name, message: message)
        }
        let host = state.location.host ?? "this host"
        if state.offeredToken && (state.credentialRequests > 1 || code == GIT_EAUTH.rawValue) {
            return .authenticationFailed(url: url, host: host, message: message)
        }
        if state.authRequired || code == GIT_EAUTH.rawValue {
            return .authenticationRequired(url: url, host: host, message: message)
        }
        return .fetchFailed(url: url, message: message)
    }

    /// The host in libgit2's own resolver message ("failed to resolve address for HOST: …"),
    /// should a stream other than trackbot's ever report one.
    static func unresolvedHost(in message: String) -> String? {
        let prefix = "failed to resolve address for "
        guard message.hasPrefix(prefix) else { return nil }
        let rest = message.dropFirst(prefix.count)
        return String(rest.prefix { $0 != ":" })
    }

    /// Connects and returns the advertised refs, `^{}` lines folded into `peeled`.
    func connect() throws(MirrorError) -> [RemoteRef] {
        let code = watch.during { git_remote_connect(remote, GIT_DIRECTION_FETCH, &callbacks, nil, nil) }
        guard code == 0 else { throw failure(code) }
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        let listed = git_remote_ls(&heads, &count, remote)
        guard listed == 0 else { throw failure(listed) }
        var refs: [RemoteRef] = []
        var index: [String: Int] = [:]
        for i in 0..<count {
            guard let head = heads?[i]?.pointee, let cName = head.name else { continue }
            let name = String(cString: cName)
            let id = ObjectID(head.oid)
            if name.hasSuffix("^{}") {
                let base = String(name.dropLast(3))
                if let at = index[base] { refs[at].peeled = id }
                continue
            }
            index[name] = refs.count
            refs.append(RemoteRef(name: name, id: id, symbolicTarget: head.symref_target.map { String(cString: $0) }))
        }
        return refs
    }

    /// Downloads what `refspecs` need and moves the mirror's refs (no FETCH_HEAD, no tag following).
    func fetch(refspecs: [String]) throws(MirrorError) {
        var options = git_fetch_options()
        git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
        options.callbacks = callbacks
        options.update_fetchhead = 0
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        options.prune = GIT_FETCH_NO_PRUNE
        let code = watch.during { withStringArray(refspecs) { array in git_remote_download(remote, &array, &options) } }
        guard code == 0 else { throw failure(code) }
        let updated = watch.during {
            git_remote_update_tips(remote, &callbacks, 0, GIT_REMOTE_DOWNLOAD_TAGS_NONE, "trackbot: fetch")
        }
        guard updated == 0 else { throw failure(updated) }
    }

    /// What the last download transferred.
    var statistics: TransferProgress {
        guard let s = git_remote_stats(remote)?.pointee else { return TransferProgress() }
        return TransferProgress(
            totalObjects: Int(s.total_objects), receivedObjects: Int(s.received_objects),
            indexedObjects: Int(s.indexed_objects), totalDeltas: Int(s.total_deltas),
            indexedDeltas: Int(s.indexed_deltas), receivedBytes: Int(s.received_bytes))
    }
}

/// Calls `body` with a `git_strarray` view of `strings`, valid for the call only.
func withStringArray<T>(_ strings: [String], _ body: (inout git_strarray) -> T) -> T {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeMutableBufferPointer { buffer in
        var array = git_strarray(strings: buffer.baseAddress, count: strings.count)
        return body(&array)
    }
}
