//! When to try again and how long to wait: backoff, Intercom's rate-limit
//! headers, and the clock that the waiting is done with.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::transport::Response;

/// How a search retries and paces its requests.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts after the first, per request, for 429s, 5xx responses,
    /// timeouts and broken connections. 5 by default.
    pub max_retries: u32,
    /// The first backoff delay; each retry doubles it. 500 ms by default.
    pub base_delay: Duration,
    /// The longest single wait, whether backoff, until `X-RateLimit-Reset`
    /// or pacing. 60 s by default.
    pub max_delay: Duration,
    /// Spread each backoff delay randomly over its upper half, so that
    /// clients that failed together do not retry together. On by default.
    pub jitter: bool,
    /// Below this fraction of `X-RateLimit-Limit` remaining, requests are
    /// spread evenly over the time left until `X-RateLimit-Reset`, so that
    /// a 429 does not come. 0.1 by default.
    pub slow_below: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
            jitter: true,
            slow_below: 0.1,
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0 for the first): the base
    /// delay doubled `retry` times, at most [`RetryPolicy::max_delay`];
    /// with jitter, a point in its upper half chosen by `random` (in
    /// `0.0..1.0`).
    pub fn backoff(&self, retry: u32, random: f64) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(31));
        let delay = self
            .base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay);
        if self.jitter {
            let half = delay / 2;
            half + half.mul_f64(random.clamp(0.0, 1.0))
        } else {
            delay
        }
    }

    /// The wait until the window of `limits` resets, when it says when
    /// and that is still to come; at most [`RetryPolicy::max_delay`].
    pub fn until_reset(&self, limits: &RateLimit, now: SystemTime) -> Option<Duration> {
        time_to_reset(limits, now).map(|wait| wait.min(self.max_delay))
    }

    /// The pause before the next request when few requests remain in the
    /// window: the time left until the reset shared among the requests
    /// left, all of it when none is left. `None` when there are plenty.
    pub fn pace(&self, limits: &RateLimit, now: SystemTime) -> Option<Duration> {
        let remaining = limits.remaining?;
        let low = match limits.limit {
            Some(limit) if limit > 0 => (remaining as f64) < limit as f64 * self.slow_below,
            _ => remaining == 0,
        };
        if !low {
            return None;
        }
        let until_reset = time_to_reset(limits, now)?;
        let share = u32::try_from(remaining.saturating_add(1)).unwrap_or(u32::MAX);
        Some((until_reset / share).min(self.max_delay))
    }
}

/// The time until the window of `limits` resets, when that is known and
/// still to come.
fn time_to_reset(limits: &RateLimit, now: SystemTime) -> Option<Duration> {
    let reset = UNIX_EPOCH.checked_add(Duration::from_secs(limits.reset?))?;
    let wait = reset.duration_since(now).ok()?;
    (!wait.is_zero()).then_some(wait)
}

/// The rate-limit headers of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests allowed in the window.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: requests left in the window.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Reset`: when the window resets, in unix seconds.
    pub reset: Option<u64>,
}

impl RateLimit {
    /// Reads the headers; missing or unreadable ones are `None`.
    pub fn of(response: &Response) -> Self {
        let number = |name| response.header(name).and_then(|v| v.parse::<u64>().ok());
        RateLimit {
            limit: number("x-ratelimit-limit"),
            remaining: number("x-ratelimit-remaining"),
            reset: number("x-ratelimit-reset"),
        }
    }
}

/// The time, and waiting: [`SystemClock`] in real use, a fake one in tests
/// so that waits take no time and can be checked.
pub trait Clock {
    /// Now, to compare with `X-RateLimit-Reset`.
    fn now(&self) -> SystemTime;
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration);
    /// A number in `0.0..1.0` for jitter.
    fn random(&self) -> f64 {
        random_fraction()
    }
}

/// The system's clock, and `std::thread::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> SystemTime {
        (**self).now()
    }

    fn sleep(&self, duration: Duration) {
        (**self).sleep(duration);
    }

    fn random(&self) -> f64 {
        (**self).random()
    }
}

/// A random number in `0.0..1.0` from std's randomly keyed hasher: enough
/// for jitter, without a dependency.
fn random_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            jitter: false,
            ..RetryPolicy::default()
        }
    }

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = policy();
        let delays: Vec<u64> = (0..10)
            .map(|n| p.backoff(n, 0.5).as_millis() as u64)
            .collect();
        assert_eq!(
            delays,
            [
                500, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000
            ]
        );
        assert_eq!(p.backoff(u32::MAX, 0.0), p.max_delay);
    }

    #[test]
    fn jitter_stays_in_the_upper_half() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1, 0.0), Duration::from_millis(500));
        let high = p.backoff(1, 0.999_999);
        assert!(high > Duration::from_millis(999) && high < Duration::from_secs(1));
        for _ in 0..100 {
            let r = random_fraction();
            assert!((0.0..1.0).contains(&r), "{r}");
        }
    }

    #[test]
    fn waits_until_the_reset_within_the_cap() {
        let p = policy();
        let limits = |reset| RateLimit {
            reset: Some(reset),
            ..RateLimit::default()
        };
        assert_eq!(
            p.until_reset(&limits(1_007), at(1_000)),
            Some(Duration::from_secs(7))
        );
        assert_eq!(p.until_reset(&limits(1_000), at(1_000)), None);
        assert_eq!(p.until_reset(&limits(900), at(1_000)), None);
        assert_eq!(p.until_reset(&limits(99_999), at(1_000)), Some(p.max_delay));
        assert_eq!(p.until_reset(&RateLimit::default(), at(1_000)), None);
    }

    #[test]
    fn paces_only_when_few_requests_remain() {
        let p = policy();
        let limits = |remaining| RateLimit {
            limit: Some(1_000),
            remaining: Some(remaining),
            reset: Some(1_010),
        };
        assert_eq!(p.pace(&limits(500), at(1_000)), None);
        assert_eq!(p.pace(&limits(100), at(1_000)), None);
        assert_eq!(
            p.pace(&limits(99), at(1_000)),
            Some(Duration::from_millis(100))
        );
        assert_eq!(p.pace(&limits(0), at(1_000)), Some(Duration::from_secs(10)));
        let unknown_limit = RateLimit {
            limit: None,
            ..limits(0)
        };
        assert_eq!(
            p.pace(&unknown_limit, at(1_000)),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            p.pace(
                &RateLimit {
                    limit: None,
                    ..limits(3)
                },
                at(1_000)
            ),
            None
        );
        let far = RateLimit {
            reset: Some(1_000 + 3_600),
            ..limits(1)
        };
        assert_eq!(p.pace(&far, at(1_000)), Some(p.max_delay));
    }

    #[test]
    fn reads_the_headers() {
        let response = Response {
            status: 200,
            headers: vec![
                ("x-ratelimit-limit".into(), "10000".into()),
                ("x-ratelimit-remaining".into(), " 42 ".into()),
                ("x-ratelimit-reset".into(), "soon".into()),
            ],
            body: Vec::new(),
        };
        assert_eq!(
            RateLimit::of(&response),
            RateLimit {
                limit: Some(10_000),
                remaining: Some(42),
                reset: None
            }
        );
    }
}
