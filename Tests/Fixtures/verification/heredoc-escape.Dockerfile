# escape=`
# syntax=docker/dockerfile:1

FROM alpine:3.20 AS build
ENV APP_HOME=C:\app `
    MODE=release
RUN <<EOF
set -e
echo "building in $APP_HOME"
EOF
RUN <<-EOT bash && <<EOS sh
	echo tab stripped
	EOT
echo second heredoc
EOS
COPY <<EOF /etc/motd
Welcome \ to the image
EOF
RUN apk add --no-cache `
      curl `
      # a comment inside a continuation
`

      git

FROM build
COPY --from=build /etc/motd /etc/motd2
CMD ["sh"]
