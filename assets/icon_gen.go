//go:build ignore

// icon_gen draws assets/icon.png: a rounded tile with a rewind arrow around a
// play symbol. Run it with `go generate ./assets` after changing the design;
// the PNG is committed so builds need no generator.
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const (
	size = 512
	ss   = 4 // samples per axis per pixel, for smooth edges
)

// Colours: a warm gradient that reads well on light and dark docks.
var (
	top    = [3]float64{0xFF, 0x8A, 0x3D}
	bottom = [3]float64{0xE0, 0x2F, 0x5A}
)

func main() {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var tile, mark float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					px := float64(x) + (float64(sx)+0.5)/ss
					py := float64(y) + (float64(sy)+0.5)/ss
					if inTile(px, py) {
						tile++
						if inMark(px, py) {
							mark++
						}
					}
				}
			}
			n := float64(ss * ss)
			if tile == 0 {
				continue
			}
			t := float64(y) / size
			var c [3]float64
			for i := range c {
				bg := top[i]*(1-t) + bottom[i]*t
				c[i] = bg*(1-mark/tile) + 255*(mark/tile)
			}
			img.SetNRGBA(x, y, color.NRGBA{uint8(c[0]), uint8(c[1]), uint8(c[2]), uint8(255 * tile / n)})
		}
	}
	f, err := os.Create("icon.png")
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// inTile is the rounded square, inset so the shadowless tile matches other
// desktop icons in weight.
func inTile(x, y float64) bool {
	const inset, r = 24.0, 112.0
	lo, hi := inset+r, size-inset-r
	cx := math.Max(lo, math.Min(hi, x))
	cy := math.Max(lo, math.Min(hi, y))
	if x < inset || x > size-inset || y < inset || y > size-inset {
		return false
	}
	return math.Hypot(x-cx, y-cy) <= r
}

// inMark is the white symbol: a ring with a gap and an arrowhead (rewind),
// and a play triangle in the middle.
func inMark(x, y float64) bool {
	const cx, cy = 256.0, 256.0
	dx, dy := x-cx, cy-y // y up, so angles read like a clock face turned maths-wise
	r := math.Hypot(dx, dy)
	a := math.Atan2(dy, dx) * 180 / math.Pi
	if a < 0 {
		a += 360
	}
	const rIn, rOut = 138.0, 174.0
	// The ring runs counter-clockwise from 150° round to 100°; the gap holds the arrowhead.
	if r >= rIn && r <= rOut && !(a > 100 && a < 150) {
		return true
	}
	// Arrowhead: base across the ring at 100°, tip further along at 134°.
	rad := func(deg float64) float64 { return deg * math.Pi / 180 }
	pt := func(rr, deg float64) (float64, float64) {
		return cx + rr*math.Cos(rad(deg)), cy - rr*math.Sin(rad(deg))
	}
	bx1, by1 := pt(rIn-34, 100)
	bx2, by2 := pt(rOut+34, 100)
	tx, ty := pt((rIn+rOut)/2, 136)
	if inTriangle(x, y, bx1, by1, bx2, by2, tx, ty) {
		return true
	}
	// Play triangle, nudged right so it looks centred.
	return inTriangle(x, y, 222, 186, 222, 326, 330, 256)
}

func inTriangle(px, py, ax, ay, bx, by, cx, cy float64) bool {
	s1 := (bx-ax)*(py-ay) - (by-ay)*(px-ax)
	s2 := (cx-bx)*(py-by) - (cy-by)*(px-bx)
	s3 := (ax-cx)*(py-cy) - (ay-cy)*(px-cx)
	return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0)
}
