module replayrescue

go 1.26.0

require (
	fyne.io/fyne/v2 v2.7.1 // indirect
	github.com/aws/aws-sdk-go v1.38.20 // indirect
	github.com/grafov/m3u8 v0.12.1 // indirect
	github.com/jmespath/go-jmespath v0.4.0 // indirect
	github.com/u2takey/ffmpeg-go v0.5.0 // indirect
	github.com/u2takey/go-utils v0.3.1 // indirect
	golang.org/x/net v0.62.0 // indirect
)
