# ss -tanoH snapshots of half-close-v6: "@ CHECKPOINT SIDE START_US END_US MS LABEL", then what ss printed
@ 1 client 1795269895473986 1795269895496035 100 SYN on its way to the tap
SYN-SENT 0      1      [2001:db8:77::1]:46886 [2001:db8:77::2]:8080 timer:(on,872ms,0)
@ 1 server 1795269895496035 1795269895515070 100 SYN on its way to the tap
LISTEN 0      512    [2001:db8:77::2]:8080 [::]:*
@ 2 client 1795269895665619 1795269895679210 300 SYN delivered, SYN+ACK on its way
SYN-SENT 0      1      [2001:db8:77::1]:46886 [2001:db8:77::2]:8080 timer:(on,696ms,0)
@ 2 server 1795269895679210 1795269895691232 300 SYN delivered, SYN+ACK on its way
LISTEN   0      512    [2001:db8:77::2]:8080             [::]:*    
SYN-RECV 0      0      [2001:db8:77::2]:8080 [2001:db8:77::1]:46886 timer:(on,888ms,0)
@ 3 client 1795269895868514 1795269895891181 500 SYN+ACK delivered, the handshake's ACK on its way
ESTAB 0      500    [2001:db8:77::1]:46886 [2001:db8:77::2]:8080 timer:(on,920ms,0)
@ 3 server 1795269895891181 1795269895907176 500 SYN+ACK delivered, the handshake's ACK on its way
LISTEN   0      512    [2001:db8:77::2]:8080             [::]:*    
SYN-RECV 0      0      [2001:db8:77::2]:8080 [2001:db8:77::1]:46886 timer:(on,676ms,0)
@ 4 client 1795269896365415 1795269896375216 1000 established, data exchanged
FIN-WAIT-1 0      1      [2001:db8:77::1]:46886 [2001:db8:77::2]:8080 timer:(on,1.016ms,0)
@ 4 server 1795269896375216 1795269896391259 1000 established, data exchanged
ESTAB 0      0      [2001:db8:77::2]:8080 [2001:db8:77::1]:46886
@ 5 client 1795269896465484 1795269896487289 1100 client FIN on its way
FIN-WAIT-1 0      1      [2001:db8:77::1]:46886 [2001:db8:77::2]:8080 timer:(on,912ms,0)
@ 5 server 1795269896487289 1795269896507199 1100 client FIN on its way
ESTAB 0      0      [2001:db8:77::2]:8080 [2001:db8:77::1]:46886
@ 6 client 1795269896670869 1795269896687153 1300 FIN delivered, its ACK on its way
FIN-WAIT-1 0      1      [2001:db8:77::1]:46886 [2001:db8:77::2]:8080 timer:(on,704ms,0)
@ 6 server 1795269896687153 1795269896710215 1300 FIN delivered, its ACK on its way
CLOSE-WAIT 0      200    [2001:db8:77::2]:8080 [2001:db8:77::1]:46886 timer:(on,880ms,0)
@ 7 client 1795269896979376 1795269896993872 1600 client FIN_WAIT_2 receiving, server CLOSE_WAIT sending
FIN-WAIT-2 0      0      [2001:db8:77::1]:46886 [2001:db8:77::2]:8080
@ 7 server 1795269896993872 1795269897019052 1600 client FIN_WAIT_2 receiving, server CLOSE_WAIT sending
CLOSE-WAIT 0      400    [2001:db8:77::2]:8080 [2001:db8:77::1]:46886 timer:(on,968ms,0)
@ 8 client 1795269897867728 1795269897879183 2500 half-closed, data flowing
FIN-WAIT-2 0      0      [2001:db8:77::1]:46886 [2001:db8:77::2]:8080
@ 8 server 1795269897879183 1795269897895240 2500 half-closed, data flowing
CLOSE-WAIT 0      500    [2001:db8:77::2]:8080 [2001:db8:77::1]:46886 timer:(on,892ms,0)
@ 9 client 1795269898865616 1795269898875178 3500 half-closed, data flowing
FIN-WAIT-2 0      0      [2001:db8:77::1]:46886 [2001:db8:77::2]:8080
@ 9 server 1795269898875178 1795269898891238 3500 half-closed, data flowing
CLOSE-WAIT 0      800    [2001:db8:77::2]:8080 [2001:db8:77::1]:46886 timer:(on,552ms,0)
@ 10 client 1795269899675099 1795269899688116 4300 server FIN on its way
FIN-WAIT-2 0      0      [2001:db8:77::1]:46886 [2001:db8:77::2]:8080
@ 10 server 1795269899688116 1795269899707232 4300 server FIN on its way
LAST-ACK 0      401    [2001:db8:77::2]:8080 [2001:db8:77::1]:46886 timer:(on,432ms,0)
@ 11 client 1795269899865516 1795269899871130 4500 server FIN delivered, last ACK on its way
TIME-WAIT 0      0      [2001:db8:77::1]:46886 [2001:db8:77::2]:8080 timer:(timewait,59sec,0)
@ 11 server 1795269899871130 1795269899891302 4500 server FIN delivered, last ACK on its way
LAST-ACK 0      1      [2001:db8:77::2]:8080 [2001:db8:77::1]:46886 timer:(on,604ms,0)
@ 12 client 1795269900368837 1795269900383196 5000 client TIME_WAIT, server closed
TIME-WAIT 0      0      [2001:db8:77::1]:46886 [2001:db8:77::2]:8080 timer:(timewait,59sec,0)
@ 12 server 1795269900383196 1795269900396990 5000 client TIME_WAIT, server closed
