import Lint
import Testing
import Verification

/// bashbrew's `DockerFroms` (pkg/dockerfile/parse.go), case by case.
@Suite struct DockerFromsTests {
    func froms(_ text: String) throws -> [String] { DockerFroms.of(try Dockerfile.parse(text)) }

    @Test func bashbrew_dockerFroms_everyStageAndCopyFromImage() throws {
        let text = """
            FROM golang:1.22 AS build
            RUN go build
            FROM debian:bookworm-slim
            COPY --from=build /out /out
            COPY --from=busybox:1.36 /bin/busybox /bin/
            """
        #expect(try froms(text) == ["golang:1.22", "debian:bookworm-slim", "busybox:1.36"])
    }

    @Test func bashbrew_dockerFroms_stageReferencesAreNotImages() throws {
        let text = """
            FROM alpine:3.20 AS base
            FROM base AS second
            COPY --from=0 /etc/os-release /x
            COPY --from=second /y /y
            FROM second
            """
        // `FROM base` and `FROM second` are alpine:3.20 again (bashbrew resolves them back);
        // `--from=0` and `--from=second` name stages, not images.
        #expect(try froms(text) == ["alpine:3.20"])
    }

    @Test func bashbrew_dockerFroms_latestIsAddedWhenNoTag() throws {
        #expect(try froms("FROM debian\nCOPY --from=nginx /a /a\n") == ["debian:latest", "nginx:latest"])
        #expect(try froms("FROM scratch\n") == ["scratch"])
        #expect(DockerFroms.latestize("example.com/x/y") == "example.com/x/y:latest")
        // bashbrew only looks for a ":" anywhere: a digest or a registry port counts as a tag.
        #expect(DockerFroms.latestize("debian@sha256:00") == "debian@sha256:00")
    }

    @Test func bashbrew_dockerFroms_runMountBindFrom() throws {
        let text = """
            FROM debian:bookworm AS build
            RUN --mount=type=bind,from=golang:1.22,target=/go true
            RUN --mount=type=bind,from=build,target=/b true
            RUN --mount=type=cache,from=redis:7,target=/c true
            RUN --mount=from=memcached:1,target=/d true
            """
        // Only an explicit type=bind counts for bashbrew; a stage name resolves to its image.
        #expect(try froms(text) == ["debian:bookworm", "golang:1.22"])
    }

    @Test func dockerFroms_argInFromIsKeptAsWritten() throws {
        // bashbrew's parse.go takes the FROM word literally ("TODO balk at ARG / $ in from values").
        let text = "ARG BASE=debian:bookworm\nFROM $BASE\nFROM ${BASE}-slim AS slim\nFROM debian:bookworm\n"
        #expect(try froms(text) == ["$BASE:latest", "${BASE}-slim:latest", "debian:bookworm"])
    }

    @Test func dockerfile_runMountBindFromIsAnExternalImage() throws {
        let df = try Dockerfile.parse(
            "FROM debian:bookworm AS b\nRUN --mount=from=golang:1.22,target=/go true\nRUN --mount=type=bind,from=b,target=/x true\n"
        )
        // Verification's list of what the build pulls: bind is docker's default mount type.
        #expect(df.externalImages == ["debian:bookworm", "golang:1.22"])
    }
}
